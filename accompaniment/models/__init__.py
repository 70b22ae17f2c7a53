from .assessments import FoodInsecurityAssessment, Moment, PracticesCheckIn
from .calendar import CalendarFeed
from .closing import ExitReview
from .exports import DataExport
from .plans import Goal, GoalChange, Step, Theme
from .referrals import Referral
from .sessions import Note, Participation, Session
from .supports import Support
from .workshops import Registration, Workshop

__all__ = [
    "CalendarFeed",
    "FoodInsecurityAssessment",
    "Moment",
    "PracticesCheckIn",
    "DataExport",
    "ExitReview",
    "Goal",
    "GoalChange",
    "Note",
    "Participation",
    "Referral",
    "Registration",
    "Session",
    "Step",
    "Support",
    "Theme",
    "Workshop",
]
