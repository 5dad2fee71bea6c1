"""A WSGI application that fails outside Django, as a broken request or a dropped connection
does: gunicorn itself then logs "Error handling request <path>" with the traceback."""


def application(environ, start_response):
    raise RuntimeError(f"the connection broke while reading {environ['PATH_INFO']}")
