from soli_dome.phone import national_digits
from soli_dome.text import fold

__all__ = ["fold", "national_digits"]
