"""Who served which village from when to when (and on which schedule), from the registry's
assignments: the compliance view and the dashboard name the assignment in force in the period,
the public notice board the one in force today (a reassignment dated in the future shows from its day)."""

from __future__ import annotations

from eventkit.readmodels import AssignmentHistory


class AssignmentsView(AssignmentHistory):
    name = "assignments"
    tables = ("rp_assignments",)
    keeps_schedule = True
