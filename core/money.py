"""Money: Decimal only, one rounding rule (ROUND_HALF_UP to the fen), and 人民币大写."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")
_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_SMALL_UNITS = ("仟", "佰", "拾", "")
_GROUP_UNITS = ("", "万", "亿", "万亿")


def to_money(value) -> Decimal:
    """Convert to a Decimal rounded to the fen. Floats are refused: they have already lost the cents."""
    if isinstance(value, float):
        raise TypeError("Money must not be a float; pass a Decimal, int or string")
    if isinstance(value, Decimal):
        amount = value
    else:
        try:
            amount = Decimal(str(value).replace(",", "").strip())
        except InvalidOperation as exc:
            raise ValueError(f"Not an amount: {value!r}") from exc
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def format_money(value) -> str:
    """¥1,234.50 (negative: -¥1,234.50)."""
    amount = to_money(value)
    sign = "-" if amount < 0 else ""
    return f"{sign}¥{abs(amount):,.2f}"


def _four_digits(group: int) -> str:
    out, zero = "", False
    for index, char in enumerate(f"{group:04d}"):
        digit = int(char)
        if digit == 0:
            zero = bool(out)
            continue
        if zero:
            out += "零"
            zero = False
        out += _DIGITS[digit] + _SMALL_UNITS[index]
    return out


def _integer_words(number: int) -> str:
    groups = []
    while number:
        groups.append(number % 10000)
        number //= 10000
    if len(groups) > len(_GROUP_UNITS):
        raise ValueError("Amount too large")
    out, pending_zero = "", False
    for index in reversed(range(len(groups))):
        group = groups[index]
        if group == 0:
            pending_zero = bool(out)
            continue
        if out and (pending_zero or group < 1000):
            out += "零"
        pending_zero = False
        out += _four_digits(group) + _GROUP_UNITS[index]
    return out


def rmb_upper(value) -> str:
    """The amount in Chinese capitals as written on receipts: 1234.50 -> 壹仟贰佰叁拾肆元伍角整."""
    amount = to_money(value)
    prefix = "负" if amount < 0 else ""
    cents = int((abs(amount) * 100).to_integral_value())
    yuan, jiao, fen = cents // 100, (cents // 10) % 10, cents % 10
    out = _integer_words(yuan)
    if yuan:
        out += "元"
    if jiao == 0 and fen == 0:
        return prefix + (out or "零元") + "整"
    if jiao:
        out += _DIGITS[jiao] + "角"
    elif yuan:
        out += "零"
    out += _DIGITS[fen] + "分" if fen else "整"
    return prefix + out
