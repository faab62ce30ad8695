"""The web dashboard: server-rendered pages per role (Jinja2 + htmx), on the API's app.

app = FastAPI(); mount_dashboard(app, runtime)   # pages at /, assets at /static
"""

from revalign.web.mount import dashboard_router, mount_dashboard

__all__ = ["dashboard_router", "mount_dashboard"]
