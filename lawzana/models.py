from django.db import models
from django.utils.translation import gettext_lazy as _


class JobRun(models.Model):
    """One run of a periodic job for one period (a day, a week): the record that makes a job
    sent twice (two beats during a hand-over, a retried message, an operator) run once
    (lawzana/jobs.py)."""

    job = models.CharField(_("job"), max_length=100)
    period = models.CharField(_("period"), max_length=20)
    ran_at = models.DateTimeField(_("ran at"), auto_now_add=True)

    class Meta:
        verbose_name = _("periodic job run")
        verbose_name_plural = _("periodic job runs")
        constraints = [models.UniqueConstraint(fields=["job", "period"], name="jobrun_once_per_period")]

    def __str__(self):
        return f"{self.job} {self.period}"
