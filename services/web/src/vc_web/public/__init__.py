"""The public village notice board (no sign-in): the village's page `/v/{code}` with the residents'
feedback form, its printable A4 poster with a QR code, and a county's posters in one document.

Server-rendered (Jinja2), one small HTML page with its CSS inline and no JavaScript, so it opens
fast on a slow phone and inside WeChat. `router` is included by the web app (vc_web).
"""

from vc_web.public.routes import router

__all__ = ["router"]
