import os

from django.core.wsgi import get_wsgi_application

# The database file, its -wal/-shm and cached reports are created readable by the owner only.
os.umask(0o077)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sodpa_portal.settings")
application = get_wsgi_application()
