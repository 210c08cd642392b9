from django.urls import path

from .views import gate, imports, lookup, occupancies, parking, people, slips, structure, units, vehicles
from .views import imports, lookup, occupancies, parking, people, structure, units, vehicles
from .views import visitors as visitor_views
from .views import imports, lookup, occupancies, parcels, parking, people, structure, units, vehicles
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
    # ---- slips (issue 11): release slips at the counter, and the gate's check
    path("slips/", slips.slip_list, name="slip_list"),
    path("slips/new/", slips.slip_create, name="slip_create"),
    path("slips/settings/", slips.slip_settings, name="slip_settings"),
    path("slips/<int:pk>/", slips.slip_detail, name="slip_detail"),
    path("slips/<int:pk>/sign/", slips.slip_sign, name="slip_sign"),
    path("slips/<int:pk>/approve/", slips.slip_approve, name="slip_approve"),
    path("slips/<int:pk>/void/", slips.slip_void, name="slip_void"),
    path("slips/<int:pk>/slip.pdf", slips.slip_pdf, name="slip_pdf"),
    path("slips/<int:pk>/signature.png", slips.slip_signature, name="slip_signature"),
    path("gate/", gate.gate_home, name="gate_home"),
    path("gate/s/<str:token>/", gate.gate_slip, name="gate_slip"),
    path("gate/s/<str:token>/release/", gate.gate_release, name="gate_release"),
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
    # ---- parcels (issue 11) ----
    path("parcels/", parcels.parcel_list, name="parcel_list"),
    path("parcels/overdue/", parcels.parcel_overdue, name="parcel_overdue"),
    path("parcels/new/", parcels.parcel_create, name="parcel_create"),
    path("parcels/batch/", parcels.parcel_batch, name="parcel_batch"),
    path("parcels/resolve/", parcels.parcel_resolve, name="parcel_resolve"),
    path("parcels/pickup/", parcels.parcel_pickup, name="parcel_pickup"),
    path("parcels/settings/", parcels.parcel_settings, name="parcel_settings"),
    path("parcels/<int:pk>/", parcels.parcel_detail, name="parcel_detail"),
    path("parcels/<int:pk>/void/", parcels.parcel_void, name="parcel_void"),
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
