"""Routes: DRF routers for the viewsets, plain paths for the single-purpose views. The groups of
scenarios 14–19 that need Redis (cache, sessions, flow) are routed with REDIS_URL only: without it
their paths are unknown (404)."""

from api import groups, views
from django.conf import settings
from django.urls import include, path
from rest_framework.routers import SimpleRouter

router = SimpleRouter(trailing_slash=False)
router.register("users", views.UserViewSet, basename="user")
router.register("db/users", views.UserPageViewSet, basename="user-page")
router.register("db/columns", views.ColumnsViewSet, basename="columns")
router.register("db/types", views.TypesViewSet, basename="types")
router.register("db/authors", views.AuthorViewSet, basename="author")
router.register("db/bulk", views.BulkItemViewSet, basename="bulk")
router.register("db/products", views.ProductViewSet, basename="product")

with_redis = []
if settings.LAB.redis_url:
    router.register("flow/posts", groups.FlowPostViewSet, basename="flow-post")
    with_redis = [
        # The literal paths before cache/users/<pk>: the first match wins, so a method they lack
        # is their 405 (Allow: POST), not a read of user "warm".
        path("cache/users/warm", groups.CacheWarmView.as_view()),
        path("cache/users/flush", groups.CacheFlushView.as_view()),
        path("cache/users/<str:pk>", groups.CacheUserView.as_view()),
        path("cache/info", groups.CacheInfoView.as_view()),
        path("auth/session/login", groups.SessionLoginView.as_view()),
        path("auth/session/me", groups.SessionMeView.as_view()),
        path("auth/session/logout", groups.LogoutView.as_view()),
    ]

urlpatterns = [
    path("health", views.HealthView.as_view()),
    path("meta", views.MetaView.as_view()),
    path("echo", views.EchoView.as_view()),
    path("external", views.ExternalView.as_view()),
    path("protected", views.ProtectedView.as_view()),
    path("upload", views.UploadView.as_view()),
    path("auth/public", groups.PublicView.as_view()),
    path("auth/jwt/login", groups.JwtLoginView.as_view()),
    path("auth/jwt/me", groups.JwtMeView.as_view()),
    path("db/aggregate/count", groups.AggregateCountView.as_view()),
    path("db/aggregate/orders-by/<str:dimension>", groups.OrdersByView.as_view()),
    path("db/aggregate/top-authors", groups.TopAuthorsView.as_view()),
    path("db/search", groups.SearchView.as_view()),
    *with_redis,
    path("", include(router.urls)),
]

handler404 = "api.errors.not_found"
handler500 = "api.errors.server_error"
handler400 = "api.errors.bad_request"
