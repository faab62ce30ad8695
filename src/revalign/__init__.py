"""revalign: one revenue funnel for marketing and sales."""

__version__ = "0.1.0"
