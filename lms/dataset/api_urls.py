from django.urls import path

from . import api

urlpatterns = [path("dataset/export/", api.DatasetExportView.as_view(), name="api-dataset-export")]
