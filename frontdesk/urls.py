from django.urls import path

from . import import_views, views

app_name = "frontdesk"

urlpatterns = [
    path("lookup/", views.lookup, name="lookup"),
    path("units/", views.unit_list, name="unit_list"),
    path("units/new/", views.unit_create, name="unit_create"),
    path("units/<int:pk>/", views.unit_detail, name="unit_detail"),
    path("units/<int:pk>/edit/", views.unit_edit, name="unit_edit"),
    path("units/<int:pk>/history/", views.unit_history, name="unit_history"),
    path("units/<int:pk>/card.pdf", views.unit_card_pdf, name="unit_card_pdf"),
    path("units/<int:pk>/people/new/", views.occupant_add, name="occupant_add"),
    path("units/<int:pk>/vehicles/new/", views.vehicle_create, name="vehicle_create"),
    path("occupancies/<int:pk>/move-out/", views.occupancy_end, name="occupancy_end"),
    path("occupancies/<int:pk>/authorise/", views.authorization_create, name="authorization_create"),
    path("authorisations/<int:pk>/revoke/", views.authorization_revoke, name="authorization_revoke"),
    path("people/", views.person_list, name="person_list"),
    path("people/new/", views.person_create, name="person_create"),
    path("people/<int:pk>/", views.person_detail, name="person_detail"),
    path("people/<int:pk>/edit/", views.person_edit, name="person_edit"),
    path("people/<int:pk>/history/", views.person_history, name="person_history"),
    path("people/<int:pk>/link/", views.person_link_unit, name="person_link_unit"),
    path("people/<int:pk>/reveal/<str:field>/", views.person_reveal, name="person_reveal"),
    path("vehicles/", views.vehicle_list, name="vehicle_list"),
    path("vehicles/<int:pk>/edit/", views.vehicle_edit, name="vehicle_edit"),
    path("vehicles/<int:pk>/remove/", views.vehicle_remove, name="vehicle_remove"),
    path("parking/", views.parking_list, name="parking_list"),
    path("parking/new/", views.parking_edit, name="parking_create"),
    path("parking/<int:pk>/", views.parking_edit, name="parking_edit"),
    path("import/", import_views.upload, name="import_upload"),
    path("import/<uuid:batch>/", import_views.preview, name="import_preview"),
    path("import/<uuid:batch>/confirm/", import_views.confirm, name="import_confirm"),
]
