"""The product's URLs plus the baseline of the latency benchmarks: a minimal Django view returning
a short string, served by the same server, middleware and session as every page."""

from django.http import HttpResponse
from django.urls import path

from sodpa_portal.urls import handler500
from sodpa_portal.urls import urlpatterns as product_urlpatterns

__all__ = ["handler500", "urlpatterns"]


def ping(request):
    return HttpResponse("pong", content_type="text/plain")


urlpatterns = [path("bench/ping/", ping, name="bench_ping"), *product_urlpatterns]
