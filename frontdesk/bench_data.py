"""Deterministic fake data for benchmarks, tests and the demo: valid-checksum IDs, real-looking names, phones and plates."""

import random
from decimal import Decimal

from .validators import PLATE_PROVINCES, id_check_digit

SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
            "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
GIVEN = ("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国文斌宇浩凯晨欣怡佳琪子"
         "涵梓轩雨婷思远志红玉兰海燕春梅金凤丹晓东俊峰鹏飞嘉怡一诺梦瑶天佑博文雅琴慧敏")
REGIONS = ("110105", "110108", "310104", "310115", "440305", "440106", "510107", "320102", "330106", "420106")
MOBILE_PREFIXES = ("138", "139", "137", "136", "135", "150", "151", "152", "158", "159", "186", "187", "188", "177", "199")
PLATE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"


class DemoFaker:
    def __init__(self, seed: int = 2026):
        self.rng = random.Random(seed)
        self._phones: set[str] = set()
        self._ids: set[str] = set()
        self._plates: set[str] = set()

    def name(self) -> str:
        given = "".join(self.rng.choice(GIVEN) for _ in range(self.rng.choice((1, 2, 2))))
        return self.rng.choice(SURNAMES) + given

    def phone(self) -> str:
        while True:
            phone = self.rng.choice(MOBILE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"
            if phone not in self._phones:
                self._phones.add(phone)
                return phone

    def resident_id(self, min_year: int = 1950, max_year: int = 2004) -> str:
        while True:
            year = self.rng.randint(min_year, max_year)
            month = self.rng.randint(1, 12)
            day = self.rng.randint(1, 28)
            first17 = f"{self.rng.choice(REGIONS)}{year:04d}{month:02d}{day:02d}{self.rng.randrange(1000):03d}"
            value = first17 + id_check_digit(first17)
            if value not in self._ids:
                self._ids.add(value)
                return value

    def plate(self, province: str = "粤", city: str = "B") -> tuple[str, bool]:
        while True:
            if self.rng.random() < 0.25:  # new-energy: 粤BD12345
                plate = (f"{province}{city}{self.rng.choice('DF')}"
                         f"{self.rng.choice(PLATE_LETTERS + '0123456789')}{self.rng.randrange(10**4):04d}")
                new_energy = True
            else:
                tail = "".join(self.rng.choice(PLATE_LETTERS + "0123456789" * 2) for _ in range(5))
                plate, new_energy = f"{province}{city}{tail}", False
            if plate not in self._plates:
                self._plates.add(plate)
                return plate, new_energy

    def area(self) -> Decimal:
        return Decimal(self.rng.choice(("68.50", "89.20", "96.75", "112.40", "128.00", "143.85", "165.30")))


assert all(p in PLATE_PROVINCES for p in "粤京沪")
