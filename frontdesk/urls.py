from django.urls import path

from .views import imports, lookup, occupancies, parking, people, structure, units, vehicles
from .views import visitors as visitor_views

app_name = "frontdesk"

urlpatterns = [
    path("lookup/", lookup.lookup, name="lookup"),
    path("units/", units.unit_list, name="unit_list"),
    path("units/new/", structure.unit_create, name="unit_create"),
    path("units/<int:pk>/", units.unit_detail, name="unit_detail"),
    path("units/<int:pk>/edit/", structure.unit_edit, name="unit_edit"),
    path("units/<int:pk>/history/", units.unit_history, name="unit_history"),
    path("units/<int:pk>/card.pdf", units.unit_card_pdf, name="unit_card_pdf"),
    path("units/<int:pk>/people/new/", occupancies.occupant_add, name="occupant_add"),
    path("units/<int:pk>/vehicles/new/", vehicles.vehicle_create, name="vehicle_create"),
    path("occupancies/<int:pk>/move-out/", occupancies.occupancy_end, name="occupancy_end"),
    path("occupancies/<int:pk>/authorise/", occupancies.authorization_create, name="authorization_create"),
    path("authorisations/<int:pk>/revoke/", occupancies.authorization_revoke, name="authorization_revoke"),
    path("people/", people.person_list, name="person_list"),
    path("people/new/", people.person_create, name="person_create"),
    path("people/<int:pk>/", people.person_detail, name="person_detail"),
    path("people/<int:pk>/edit/", people.person_edit, name="person_edit"),
    path("people/<int:pk>/history/", people.person_history, name="person_history"),
    path("people/<int:pk>/link/", people.person_link_unit, name="person_link_unit"),
    path("people/<int:pk>/reveal/<str:field>/", people.person_reveal, name="person_reveal"),
    path("vehicles/", vehicles.vehicle_list, name="vehicle_list"),
    path("vehicles/<int:pk>/edit/", vehicles.vehicle_edit, name="vehicle_edit"),
    path("vehicles/<int:pk>/remove/", vehicles.vehicle_remove, name="vehicle_remove"),
    path("parking/", parking.parking_list, name="parking_list"),
    path("parking/new/", parking.parking_edit, name="parking_create"),
    path("parking/<int:pk>/", parking.parking_edit, name="parking_edit"),
    path("import/", imports.upload, name="import_upload"),
    path("import/<uuid:batch>/", imports.preview, name="import_preview"),
    path("import/<uuid:batch>/confirm/", imports.confirm, name="import_confirm"),
    # ---- visitors (issue 11) ----
    path("visitors/", visitor_views.visitor_board, name="visitor_board"),
    path("visitors/new/", visitor_views.visitor_create, name="visitor_create"),
    path("visitors/log/", visitor_views.visitor_log, name="visitor_log"),
    path("visitors/sweep/", visitor_views.visitor_sweep, name="visitor_sweep"),
    path("visitors/<int:pk>/", visitor_views.visitor_detail, name="visitor_detail"),
    path("visitors/<int:pk>/answer/", visitor_views.visitor_answer, name="visitor_answer"),
    path("visitors/<int:pk>/in/", visitor_views.visitor_time_in, name="visitor_time_in"),
    path("visitors/<int:pk>/out/", visitor_views.visitor_time_out, name="visitor_time_out"),
    path("visitors/<int:pk>/no-show/", visitor_views.visitor_no_show, name="visitor_no_show"),
    path("visitors/<int:pk>/void/", visitor_views.visitor_void, name="visitor_void"),
]
