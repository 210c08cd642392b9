import datetime
from decimal import Decimal

import factory
from django.contrib.auth.hashers import make_password

from core.models import Role, User
from frontdesk.bench_data import DemoFaker
from frontdesk.models import Building, Community, Entrance, Occupancy, Person, Unit, Vehicle

fake = DemoFaker(seed=7)


class CommunityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Community

    name = factory.Sequence(lambda n: f"测试小区{n}")
    code = factory.Sequence(lambda n: f"T{n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"staff{n}")
    full_name = factory.LazyFunction(fake.name)
    role = Role.CLERK
    password = factory.LazyFunction(lambda: make_password("pw-123456"))

    @factory.post_generation
    def communities(self, create, extracted, **kwargs):
        if create and extracted:
            self.communities.set(extracted)


class BuildingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Building

    community = factory.SubFactory(CommunityFactory)
    name = factory.Sequence(lambda n: str(n + 1))


class EntranceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Entrance

    building = factory.SubFactory(BuildingFactory)
    name = "1"


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    entrance = factory.SubFactory(EntranceFactory)
    building = factory.SelfAttribute("entrance.building")
    community = factory.SelfAttribute("building.community")
    number = factory.Sequence(lambda n: f"{(n % 30) + 1}{(n // 30) % 100:02d}")
    area = Decimal("89.50")
    code = factory.LazyAttribute(lambda u: Unit.make_code(u.building.name, u.entrance.name if u.entrance else None, u.number))


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    community = factory.SubFactory(CommunityFactory)
    name = factory.LazyFunction(fake.name)
    phone = factory.LazyFunction(fake.phone)
    id_number = factory.LazyFunction(fake.resident_id)


class OccupancyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Occupancy

    unit = factory.SubFactory(UnitFactory)
    community = factory.SelfAttribute("unit.community")
    person = factory.SubFactory(PersonFactory, community=factory.SelfAttribute("..unit.community"))
    kind = Occupancy.Kind.OWNER
    share = Decimal("100")
    start_date = datetime.date(2020, 1, 1)


class VehicleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Vehicle

    unit = factory.SubFactory(UnitFactory)
    community = factory.SelfAttribute("unit.community")
    plate = factory.LazyFunction(lambda: fake.plate()[0])
    is_new_energy = factory.LazyAttribute(lambda v: len(v.plate) == 8)
