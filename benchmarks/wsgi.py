"""What gunicorn serves in ``make bench``: ``gunicorn -w 2 benchmarks.wsgi:app`` (never the real app's wsgi.py)."""

from benchmarks.bench_app import create_bench_app

app = create_bench_app()
