"""The ipywidgets apps that the Voila pages show; each notebook displays one `…App().widget`.

Apps are imported on first use, so the home page's kernel does not load the study app's modules.
"""

from importlib import import_module

_APPS = {"HomeApp": "toolkit.ui.home", "StudyApp": "toolkit.ui.study", "QuizApp": "toolkit.ui.quiz",
         "AssessmentApp": "toolkit.ui.assessment", "TrainerApp": "toolkit.ui.trainer",
         "ParticipantApp": "toolkit.ui.participant",
         "CityOverviewApp": "toolkit.ui.city", "PersonalDataApp": "toolkit.ui.privacy",
         "PlanReviewApp": "toolkit.ui.plan_review"}

__all__ = list(_APPS)


def __getattr__(name):
    if name in _APPS:
        return getattr(import_module(_APPS[name]), name)
    raise AttributeError(f"module 'toolkit.ui' has no attribute {name!r}")
