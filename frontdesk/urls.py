from django.urls import path

app_name = "frontdesk"
urlpatterns = []
