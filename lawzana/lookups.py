"""A lookup Django lacks: integer `__in` with values out of the column's range.

Django answers `pk=<a 50-digit number>` with no rows (IntegerFieldOverflow), but sends
`pk__in=[<a 50-digit number>]` to the database, where SQLite raises OverflowError: any
multiple-choice form field (languages, practice areas) or filter given such an id answered
500. Out-of-range values now match nothing, as they do for the other integer lookups.
"""

from django.core.exceptions import EmptyResultSet
from django.db.models import IntegerField
from django.db.models.lookups import In


@IntegerField.register_lookup
class IntegerFieldIn(In):
    def process_rhs(self, compiler, connection):
        if self.rhs_is_direct_value():
            low, high = connection.ops.integer_field_range(self.lhs.output_field.get_internal_type())
            self.rhs = [
                value
                for value in self.rhs
                if not isinstance(value, int) or ((low is None or value >= low) and (high is None or value <= high))
            ]
            if not self.rhs:
                raise EmptyResultSet
        return super().process_rhs(compiler, connection)
