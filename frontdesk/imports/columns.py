"""What a file of each kind holds: the kinds, who may import them, and their columns (headers and aliases)."""

import re
import unicodedata
from dataclasses import dataclass

from django.utils.translation import gettext_lazy, pgettext_lazy

from core.permissions import has_perm
from core.text import clean_text


class Kind:
    UNITS = "units"
    PEOPLE = "people"
    VEHICLES = "vehicles"

    choices = [
        (UNITS, gettext_lazy("Rooms (creates missing buildings and entrances)")),
        (PEOPLE, gettext_lazy("Owners, residents and tenants")),
        (VEHICLES, gettext_lazy("Vehicles")),
    ]
    values = [UNITS, PEOPLE, VEHICLES]

    # An import that creates buildings, entrances and rooms is structure work (see core.permissions).
    EXTRA_PERMISSION = {UNITS: "frontdesk.structure"}

    @classmethod
    def label(cls, value):
        return dict(cls.choices).get(value, value)


def kinds_for(user) -> list[tuple[str, str]]:
    return [(value, label) for value, label in Kind.choices if may_import(user, value)]


def may_import(user, kind: str) -> bool:
    extra = Kind.EXTRA_PERMISSION.get(kind)
    return has_perm(user, "frontdesk.import") and (extra is None or has_perm(user, extra))


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # the header written in templates: the file format is Chinese whatever the UI language
    label: str  # lazy: shown in the UI
    aliases: tuple[str, ...] = ()
    required: bool = False
    max_length: int | None = None
    text: bool = False  # format as text in the template (ID numbers, phones, room codes)
    help: str = ""


_ROOM_CODE = Column(
    "room", "房号", gettext_lazy("Room"), ("房间", "房屋", "房间号", "房屋编号", "房号编码", "room", "room code", "unit"),
    required=True, max_length=60, text=True, help=gettext_lazy("Required: the room code, e.g. 3-2-1502."),
)

COLUMNS: dict[str, tuple[Column, ...]] = {
    Kind.UNITS: (
        Column("building", "楼栋", gettext_lazy("Building"),
               ("楼栋号", "楼号", "栋", "栋号", "楼", "楼宇", "building", "bldg"), required=True, max_length=20, text=True,
               help=gettext_lazy("Required: as written in room codes, e.g. 3 or A.")),
        Column("entrance", "单元", gettext_lazy("Entrance"), ("单元号", "entrance"), max_length=10, text=True,
               help=gettext_lazy("Leave empty for buildings without entrances.")),
        Column("number", "房号", gettext_lazy("Room number"),
               ("房间号", "室号", "门牌号", "room", "room number", "room no", "number"), required=True, max_length=20,
               text=True, help=gettext_lazy("Required, e.g. 1502.")),
        Column("floor", "楼层", gettext_lazy("Floor"), ("层", "所在楼层", "floor"),
               help=gettext_lazy("A whole number, e.g. 15 or -1.")),
        Column("area", "建筑面积", gettext_lazy("Floor area (m²)"), ("面积", "area", "floor area"), required=True,
               help=gettext_lazy("Required, in square metres, e.g. 89.5.")),
        Column("usage", "用途", gettext_lazy("Usage"), ("房屋用途", "usage", "use"),
               help=gettext_lazy("住宅, 商铺, 办公, 车位 or 其他; empty means 住宅.")),
    ),
    Kind.PEOPLE: (
        _ROOM_CODE,
        Column("role", "身份", gettext_lazy("Role"), ("角色", "人员类型", "身份类型", "role", "kind"), required=True,
               help=gettext_lazy("Required: 业主 (owner), 住户 (resident) or 租户 (tenant).")),
        Column("name", "姓名", pgettext_lazy("person", "Name"), ("名字", "name", "full name"), required=True,
               max_length=50),
        Column("id_type", "证件类型", gettext_lazy("ID document"), ("证件", "id type", "document type", "id document"),
               help=gettext_lazy("身份证, 护照, 港澳通行证, 台胞证 or 其他; empty means 身份证.")),
        Column("id_number", "证件号码", gettext_lazy("ID number"),
               ("证件号", "身份证号", "身份证号码", "身份证", "id number", "id no"), max_length=40, text=True,
               help=gettext_lazy("Format this column as text in Excel, or the last digits are lost.")),
        Column("phone", "手机", gettext_lazy("Phone"),
               ("手机号", "手机号码", "电话", "联系电话", "联系方式", "phone", "mobile"), max_length=30, text=True),
        Column("share", "产权比例", gettext_lazy("Ownership share (%)"), ("产权份额", "份额", "share", "ownership share"),
               help=gettext_lazy("Owners only, e.g. 50; empty means 100.")),
        Column("start_date", "入住日期", gettext_lazy("Move-in date"),
               ("入住时间", "迁入日期", "move-in date", "start date"),
               help=gettext_lazy("e.g. 2024-03-01; empty means the day of the import.")),
    ),
    Kind.VEHICLES: (
        Column("plate", "车牌", gettext_lazy("Plate"), ("车牌号", "车牌号码", "plate", "plate number"), required=True,
               max_length=20, help=gettext_lazy("Required, e.g. 粤B12345 or new-energy 粤BD12345.")),
        _ROOM_CODE,
        Column("owner", "车主姓名", pgettext_lazy("vehicle", "Owner"), ("车主", "姓名", "owner", "owner name"), max_length=50,
               help=gettext_lazy("Optional: a current owner, resident or tenant of the room.")),
        Column("description", "车辆描述", gettext_lazy("Make, model and colour"),
               ("描述", "车型", "车辆信息", "品牌型号", "description", "vehicle"), max_length=100),
    ),
}

RESULT_URLS = {
    Kind.UNITS: "frontdesk:unit_list", Kind.PEOPLE: "frontdesk:person_list", Kind.VEHICLES: "frontdesk:vehicle_list",
}


def norm_header(value) -> str:
    text = unicodedata.normalize("NFKC", clean_text(str(value or ""))).lower()
    text = re.sub(r"\(.*?\)|\[.*?\]|【.*?】", "", text)  # 建筑面积(㎡), 手机【必填】
    return re.sub(r"[\s*:_\-]", "", text)


def header_index(kind: str) -> dict[str, Column]:
    index = {}
    for column in COLUMNS[kind]:
        for name in (column.header, *column.aliases):
            index.setdefault(norm_header(name), column)
    return index
