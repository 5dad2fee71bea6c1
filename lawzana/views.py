from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.views.decorators.http import require_safe


@login_not_required
@require_safe
def bench_control(request):
    """The benchmark's control (bench/run.py): the full middleware stack, no database, no
    template. Pages are measured as a ratio to it, so machine speed cancels out."""
    return HttpResponse("hello world", content_type="text/plain; charset=utf-8")
