from .calendar import CalendarFeed
from .closing import ExitReview
from .plans import Goal, GoalChange, Step, Theme
from .sessions import Note, Participation, Session
from .workshops import Registration, Workshop

__all__ = [
    "CalendarFeed",
    "ExitReview",
    "Goal",
    "GoalChange",
    "Note",
    "Participation",
    "Registration",
    "Session",
    "Step",
    "Theme",
    "Workshop",
]
