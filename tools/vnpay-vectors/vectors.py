#!/usr/bin/env python3
"""Test vectors for VNPay's redirect protocol (version 2.1.0), computed
independently of motcua's Rust code from the protocol as VNPay documents
it: the `vnp_` parameters other than vnp_SecureHash and vnp_SecureHashType,
sorted by name, each name and value form-urlencoded (a space is `+`),
joined as `name=value&...`; the signature is HMAC-SHA512 of that string
keyed with the merchant's hash secret, in hex.

Prints the vectors as Rust constants for crates/app/tests/app/payments.rs;
`--check FILE` verifies that the file holds exactly these values.
"""
import hashlib
import hmac
import sys
from urllib.parse import quote_plus

SECRET = "VNPAYTESTSECRET0123456789ABCDEFG"

VECTORS = {
    # A payment URL as motcua builds it.
    "PAY": [
        ("vnp_Version", "2.1.0"),
        ("vnp_Command", "pay"),
        ("vnp_TmnCode", "DEMOV210"),
        ("vnp_Amount", "20800000"),
        ("vnp_CurrCode", "VND"),
        ("vnp_TxnRef", "MC0192ABCDEF"),
        ("vnp_OrderInfo", "Nop phi, le phi ho so 000.00.12.H29-260302-0001"),
        ("vnp_OrderType", "other"),
        ("vnp_Locale", "vn"),
        ("vnp_ReturnUrl", "https://dichvucong.example.vn/thanh-toan/ket-qua"),
        ("vnp_IpAddr", "203.162.4.190"),
        ("vnp_CreateDate", "20260302091500"),
        ("vnp_ExpireDate", "20260302093000"),
    ],
    # A notice (IPN) of a successful payment, with an empty parameter and
    # diacritics, as the gateway may send them.
    "IPN": [
        ("vnp_Amount", "20800000"),
        ("vnp_BankCode", "NCB"),
        ("vnp_BankTranNo", ""),
        ("vnp_CardType", "ATM"),
        ("vnp_OrderInfo", "Nộp phí hồ sơ: 2 khoản?"),
        ("vnp_PayDate", "20260302091742"),
        ("vnp_ResponseCode", "00"),
        ("vnp_TmnCode", "DEMOV210"),
        ("vnp_TransactionNo", "14226112"),
        ("vnp_TransactionStatus", "00"),
        ("vnp_TxnRef", "MC0192ABCDEF"),
    ],
}


def canonical(params):
    signed = sorted(
        (k, v)
        for k, v in params
        if k.startswith("vnp_") and k not in ("vnp_SecureHash", "vnp_SecureHashType")
    )
    return "&".join(f"{quote_plus(k, safe='')}={quote_plus(v, safe='')}" for k, v in signed)


def sign(params):
    return hmac.new(SECRET.encode(), canonical(params).encode(), hashlib.sha512).hexdigest()


def constants():
    out = [f'pub const SECRET: &str = "{SECRET}";']
    for name, params in VECTORS.items():
        out.append(f'pub const {name}_CANONICAL: &str = "{canonical(params)}";')
        out.append(f'pub const {name}_HASH: &str = "{sign(params)}";')
    return out


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--check":
        text = open(sys.argv[2], encoding="utf-8").read()
        missing = [line for line in constants() if line not in text]
        if missing:
            sys.exit("vnpay vectors differ:\n" + "\n".join(missing))
    else:
        print("\n".join(constants()))
