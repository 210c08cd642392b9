from django.urls import path

from .views import imports, keys, lookup, occupancies, parking, people, structure, units, vehicles

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
    # keys (issue 11): key custody 钥匙托管
    path("keys/", keys.key_list, name="key_list"),
    path("keys/overdue/", keys.key_overdue, name="key_overdue"),
    path("keys/public/new/", keys.key_public_create, name="key_public_create"),
    path("units/<int:pk>/keys/new/", keys.key_deposit, name="key_deposit"),
    path("keys/<int:pk>/", keys.key_detail, name="key_detail"),
    path("keys/<int:pk>/sign-out/", keys.key_sign_out, name="key_sign_out"),
    path("keys/<int:pk>/sign-in/", keys.key_sign_in, name="key_sign_in"),
    path("keys/<int:pk>/return/", keys.key_return, name="key_return"),
    path("keys/<int:pk>/lost/", keys.key_lost, name="key_lost"),
]
