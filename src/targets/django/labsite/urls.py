"""Routes: DRF routers for the viewsets, plain paths for the single-purpose views."""

from api import views
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

urlpatterns = [
    path("health", views.HealthView.as_view()),
    path("meta", views.MetaView.as_view()),
    path("echo", views.EchoView.as_view()),
    path("external", views.ExternalView.as_view()),
    path("protected", views.ProtectedView.as_view()),
    path("upload", views.UploadView.as_view()),
    path("", include(router.urls)),
]

handler404 = "api.errors.not_found"
handler500 = "api.errors.server_error"
handler400 = "api.errors.bad_request"
