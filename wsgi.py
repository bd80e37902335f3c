"""The application object that gunicorn serves: ``gunicorn -w 4 wsgi:app``."""

from intake import create_app

app = create_app()
