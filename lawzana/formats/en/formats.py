# The site's English dates: day month year, as in the guides ("7 December 2026"). Templates use
# these names (|date:"DATE_FORMAT"), never a pattern, so that Chinese pages get theirs.
DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H:i"
SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
