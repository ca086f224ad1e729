from django.urls import path  # noqa: F401

from . import views  # noqa: F401

app_name = "monitoring"

urlpatterns: list = []

# Frameworks, rounds and the secretariat's overview (views/secretariat.py)
urlpatterns += []

# The company's questionnaire, evidence and results (views/company.py)
urlpatterns += []

# Improvement window, talks and review comments (views/followup.py)
urlpatterns += []

# Plans of approach and risk analyses (views/plans.py)
urlpatterns += []
