from django.urls import path
from django.views.generic import TemplateView

from .decorators import staff_required

app_name = "console"
urlpatterns = [
    path("", staff_required(TemplateView.as_view(template_name="console/pages/home.html")), name="home"),
]
