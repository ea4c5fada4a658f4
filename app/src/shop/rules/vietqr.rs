//! VietQR: the bank-transfer QR codes every Vietnamese banking app scans.
//!
//! A VietQR payload is an EMVCo merchant-presented QR code: a string of tag-length-value fields
//! (2-digit id, 2-digit decimal length, value) ending in a CRC-16 checksum. NAPAS' VietQR puts
//! the bank's BIN and the account number in field 38, so the buyer's app fills in the recipient,
//! the amount and the transfer note, and the shop can match the transfer to the order.
//!
//! `parse` reads payloads back, for tests and for checking codes a seller pastes in; it is meant
//! to be fuzzed, so it never panics, whatever it is given.

use crate::domain::fold::fold_char;
use crate::domain::money::Vnd;

/// NAPAS' globally unique identifier in field 38.
const NAPAS_GUID: &str = "A000000727";
/// "Transfer to an account" (a card number would be `QRIBFTTC`).
const SERVICE_TO_ACCOUNT: &str = "QRIBFTTA";
/// ISO 4217 numeric code of the dong.
const CURRENCY_VND: &str = "704";
const COUNTRY_VN: &str = "VN";
/// Banking apps cut longer transfer notes, so the order number must fit in the first 25.
pub const PURPOSE_MAX_CHARS: usize = 25;
/// Some banks refuse longer amounts; `Vnd::MAX` is 13 digits anyway.
const AMOUNT_MAX_DIGITS: usize = 13;
const ACCOUNT_MAX_CHARS: usize = 19;
const NAME_MAX_CHARS: usize = 50;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VietQrError {
    #[error("the bank BIN is the bank's 6-digit NAPAS code, for example 970416")]
    InvalidBin,
    #[error("the account number is 1 to 19 letters or digits")]
    InvalidAccount,
    #[error("the account name is required, at most 50 characters")]
    InvalidName,
    #[error("the amount must be more than zero")]
    ZeroAmount,
    #[error("the amount is too large for a VietQR code")]
    AmountTooLarge,
    #[error("the transfer note needs at least one letter or digit")]
    EmptyPurpose,
    #[error("field {id} would be {len} characters long; a QR field holds 1 to 99")]
    FieldLength { id: &'static str, len: usize },
    #[error("not a well-formed QR payload: {0}")]
    Malformed(&'static str),
    #[error("the QR payload's checksum does not match: it was mistyped or altered")]
    Checksum,
    #[error("not a VietQR transfer to a bank account: {0}")]
    NotVietQr(&'static str),
}

/// The shop's receiving account. The name is only shown next to the QR code (banking apps look
/// the holder's name up themselves), so it is not part of the payload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BankAccount {
    bin: String,
    account: String,
    name: String,
}

impl BankAccount {
    /// Surrounding spaces are dropped: the values are typed or pasted into a settings form.
    pub fn new(bin: &str, account: &str, name: &str) -> Result<Self, VietQrError> {
        let (bin, account, name) = (bin.trim(), account.trim(), name.trim());
        check_bin(bin)?;
        check_account(account)?;
        if name.is_empty() || name.chars().count() > NAME_MAX_CHARS {
            return Err(VietQrError::InvalidName);
        }
        Ok(BankAccount {
            bin: bin.to_owned(),
            account: account.to_owned(),
            name: name.to_owned(),
        })
    }

    /// The bank's 6-digit NAPAS BIN, e.g. `970416`.
    pub fn bin(&self) -> &str {
        &self.bin
    }

    pub fn account(&self) -> &str {
        &self.account
    }

    pub fn name(&self) -> &str {
        &self.name
    }
}

/// The short names buyers know for the most used banks' NAPAS BINs; others show the BIN.
pub fn bank_name(bin: &str) -> Option<&'static str> {
    Some(match bin {
        "970436" => "Vietcombank",
        "970415" => "VietinBank",
        "970418" => "BIDV",
        "970405" => "Agribank",
        "970407" => "Techcombank",
        "970422" => "MB Bank",
        "970416" => "ACB",
        "970432" => "VPBank",
        "970423" => "TPBank",
        "970403" => "Sacombank",
        _ => return None,
    })
}

fn check_bin(bin: &str) -> Result<(), VietQrError> {
    if bin.len() == 6 && bin.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(VietQrError::InvalidBin)
    }
}

fn check_account(account: &str) -> Result<(), VietQrError> {
    let ok = (1..=ACCOUNT_MAX_CHARS).contains(&account.len())
        && account.bytes().all(|b| b.is_ascii_alphanumeric());
    if ok {
        Ok(())
    } else {
        Err(VietQrError::InvalidAccount)
    }
}

/// The transfer note as banking apps accept it: Vietnamese letters folded to ASCII (keeping
/// their case, "Đơn" → "Don"), anything but letters, digits and spaces dropped ("ĐH-12" →
/// "DH12"), spaces collapsed, trimmed, cut to 25 characters. Some apps reject or mangle other
/// characters, and the shop matches the note against the order number.
pub fn sanitise_purpose(text: &str) -> String {
    let mut out = String::with_capacity(text.len().min(4 * PURPOSE_MAX_CHARS));
    let mut pending_space = false;
    for c in text.chars() {
        if out.len() >= PURPOSE_MAX_CHARS {
            break;
        }
        if c.is_whitespace() {
            pending_space = true;
            continue;
        }
        // Everything else outside the table (punctuation, other scripts, combining marks of
        // decomposed text) is dropped without leaving a space.
        let Some(base) = fold_char(c) else { continue };
        if pending_space && !out.is_empty() {
            out.push(' ');
        }
        pending_space = false;
        if out.len() < PURPOSE_MAX_CHARS {
            out.push(if c.is_uppercase() {
                base.to_ascii_uppercase()
            } else {
                base
            });
        }
    }
    // Only a space pushed as the 25th character can trail.
    out.truncate(out.trim_end().len());
    out
}

/// CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF, not reflected, no final xor): EMVCo's checksum.
pub fn crc16_ccitt_false(bytes: &[u8]) -> u16 {
    let mut crc: u16 = 0xFFFF;
    for &byte in bytes {
        crc ^= u16::from(byte) << 8;
        for _ in 0..8 {
            crc = if crc & 0x8000 != 0 {
                (crc << 1) ^ 0x1021
            } else {
                crc << 1
            };
        }
    }
    crc
}

/// One tag-length-value field. Values are ASCII here, so bytes and characters agree.
fn tlv(id: &'static str, value: &str) -> Result<String, VietQrError> {
    let len = value.len();
    if !(1..=99).contains(&len) {
        return Err(VietQrError::FieldLength { id, len });
    }
    Ok(format!("{id}{len:02}{value}"))
}

/// The payload of a dynamic VietQR code: a transfer of `amount` to `account`, with `purpose`
/// (sanitised, see [`sanitise_purpose`]) as the transfer note.
pub fn payload(account: &BankAccount, amount: Vnd, purpose: &str) -> Result<String, VietQrError> {
    let purpose = sanitise_purpose(purpose);
    if purpose.is_empty() {
        return Err(VietQrError::EmptyPurpose);
    }
    let dong = amount.dong();
    if dong <= 0 {
        return Err(VietQrError::ZeroAmount);
    }
    let amount = dong.to_string();
    if amount.len() > AMOUNT_MAX_DIGITS {
        return Err(VietQrError::AmountTooLarge);
    }
    let beneficiary = tlv("00", &account.bin)? + &tlv("01", &account.account)?;
    let merchant =
        tlv("00", NAPAS_GUID)? + &tlv("01", &beneficiary)? + &tlv("02", SERVICE_TO_ACCOUNT)?;
    let mut out = String::with_capacity(160);
    for field in [
        tlv("00", "01")?,
        // 12: a dynamic code, one payment of a set amount; 11 would be a reusable static one.
        tlv("01", "12")?,
        tlv("38", &merchant)?,
        tlv("53", CURRENCY_VND)?,
        tlv("54", &amount)?,
        tlv("58", COUNTRY_VN)?,
        tlv("62", &tlv("08", &purpose)?)?,
    ] {
        out.push_str(&field);
    }
    // The checksum covers its own id and length.
    out.push_str("6304");
    let crc = crc16_ccitt_false(out.as_bytes());
    out.push_str(&format!("{crc:04X}"));
    Ok(out)
}

/// What a VietQR payload says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parsed {
    pub bin: String,
    pub account: String,
    pub amount: Option<Vnd>,
    pub purpose: Option<String>,
    /// A dynamic code (`01` = 12) is for one payment; a static one (11, or no `01`) is reusable.
    pub dynamic: bool,
}

/// Splits `data` into its fields, strictly: 2-digit ids, 2-digit lengths 01–99, no field
/// running past the end, no id twice. Slicing uses `get`, so bad input is an error, not a panic.
fn fields(data: &str) -> Result<Vec<(&str, &str)>, VietQrError> {
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    let mut out: Vec<(&str, &str)> = Vec::new();
    let mut rest = data;
    while !rest.is_empty() {
        let (Some(id), Some(len)) = (rest.get(..2), rest.get(2..4)) else {
            return Err(VietQrError::Malformed("a field's id or length is cut off"));
        };
        if !digits(id) || !digits(len) {
            return Err(VietQrError::Malformed("ids and lengths are 2 digits"));
        }
        let len: usize = len
            .parse()
            .map_err(|_| VietQrError::Malformed("ids and lengths are 2 digits"))?;
        if len == 0 {
            return Err(VietQrError::Malformed("a field is empty"));
        }
        let (Some(value), Some(next)) = (rest.get(4..4 + len), rest.get(4 + len..)) else {
            return Err(VietQrError::Malformed("a field runs past the end"));
        };
        if out.iter().any(|&(seen, _)| seen == id) {
            return Err(VietQrError::Malformed("a field appears twice"));
        }
        out.push((id, value));
        rest = next;
    }
    Ok(out)
}

fn find<'a>(fields: &[(&str, &'a str)], id: &str) -> Option<&'a str> {
    fields.iter().find(|&&(i, _)| i == id).map(|&(_, v)| v)
}

/// Reads a VietQR payload back and checks its checksum. Fields it does not know (a merchant
/// name, say) are skipped; the ones it reads must be well formed.
pub fn parse(payload: &str) -> Result<Parsed, VietQrError> {
    use VietQrError::{Malformed, NotVietQr};

    if !payload.bytes().all(|b| (0x20..=0x7e).contains(&b)) {
        return Err(Malformed("only printable ASCII may appear"));
    }
    let top = fields(payload)?;
    let Some((&(crc_id, crc_text), body)) = top.split_last() else {
        return Err(Malformed("the payload is empty"));
    };
    if crc_id != "63" {
        return Err(Malformed("the checksum (63) must be the last field"));
    }
    // Upper case only: one payload, one spelling, so no altered character can go unnoticed.
    let upper_hex = |b: u8| b.is_ascii_digit() || (b'A'..=b'F').contains(&b);
    if crc_text.len() != 4 || !crc_text.bytes().all(upper_hex) {
        return Err(Malformed("the checksum is 4 upper-case hex digits"));
    }
    let expected = u16::from_str_radix(crc_text, 16)
        .map_err(|_| Malformed("the checksum is 4 upper-case hex digits"))?;
    let signed = payload
        .get(..payload.len() - crc_text.len())
        .ok_or(Malformed("the checksum is cut off"))?;
    if crc16_ccitt_false(signed.as_bytes()) != expected {
        return Err(VietQrError::Checksum);
    }

    if body.first() != Some(&("00", "01")) {
        return Err(Malformed("the payload must start with format 01 (000201)"));
    }
    let dynamic = match find(body, "01") {
        None | Some("11") => false,
        Some("12") => true,
        Some(_) => return Err(Malformed("point of initiation must be 11 or 12")),
    };
    let merchant = fields(find(body, "38").ok_or(NotVietQr("no NAPAS account field (38)"))?)?;
    if find(&merchant, "00") != Some(NAPAS_GUID) {
        return Err(NotVietQr("field 38 is not NAPAS' (A000000727)"));
    }
    if find(&merchant, "02") != Some(SERVICE_TO_ACCOUNT) {
        return Err(NotVietQr("not a transfer to an account (QRIBFTTA)"));
    }
    let beneficiary = fields(find(&merchant, "01").ok_or(NotVietQr("no beneficiary"))?)?;
    let bin = find(&beneficiary, "00").ok_or(VietQrError::InvalidBin)?;
    check_bin(bin)?;
    let account = find(&beneficiary, "01").ok_or(VietQrError::InvalidAccount)?;
    check_account(account)?;
    if find(body, "53") != Some(CURRENCY_VND) {
        return Err(NotVietQr("the currency is not the dong (704)"));
    }
    if find(body, "58") != Some(COUNTRY_VN) {
        return Err(NotVietQr("the country is not VN"));
    }
    let amount = find(body, "54").map(parse_amount).transpose()?;
    let purpose = match find(body, "62") {
        None => None,
        Some(additional) => find(&fields(additional)?, "08").map(str::to_owned),
    };
    Ok(Parsed {
        bin: bin.to_owned(),
        account: account.to_owned(),
        amount,
        purpose,
        dynamic,
    })
}

/// Whole dong, digits only, written the one way `payload` writes it (no leading zero).
fn parse_amount(text: &str) -> Result<Vnd, VietQrError> {
    if !text.bytes().all(|b| b.is_ascii_digit()) || text.starts_with('0') {
        return Err(match text {
            "0" => VietQrError::ZeroAmount,
            _ => VietQrError::Malformed("the amount is whole dong, digits only"),
        });
    }
    if text.len() > AMOUNT_MAX_DIGITS {
        return Err(VietQrError::AmountTooLarge);
    }
    let dong: i64 = text
        .parse()
        .map_err(|_| VietQrError::Malformed("the amount is whole dong, digits only"))?;
    Vnd::new(dong).map_err(|_| VietQrError::AmountTooLarge)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn account(bin: &str, number: &str) -> BankAccount {
        BankAccount::new(bin, number, "HTX Nông sản Đông Tảo").unwrap()
    }

    fn vnd(dong: i64) -> Vnd {
        Vnd::new(dong).unwrap()
    }

    #[test]
    fn crc_matches_the_catalogue_check_value() {
        assert_eq!(crc16_ccitt_false(b"123456789"), 0x29B1);
        assert_eq!(crc16_ccitt_false(b""), 0xFFFF);
    }

    // The expected payloads were built independently in Python (a separate TLV encoder, then
    // `'%04X' % binascii.crc_hqx(b'...6304', 0xFFFF)`; crc_hqx with init 0xFFFF is
    // CRC-16/CCITT-FALSE), not by copying this module's output.
    #[test]
    fn payloads_match_independently_computed_strings() {
        let cases = [
            (
                account("970416", "123456789"),
                150_000,
                "DH000123",
                "00020101021238530010A0000007270123000697041601091234567890208QRIBFTTA\
                 530370454061500005802VN62120808DH000123630454A1",
            ),
            (
                account("970436", "0011004123456"),
                1,
                "Thanh toán đơn hàng OCOP",
                "00020101021238570010A00000072701270006970436011300110041234560208QRIBFTTA\
                 5303704540115802VN62280824Thanh toan don hang OCOP6304770E",
            ),
            (
                // Vnd::MAX (13 digits); the note is cut at 25 characters, where a space fell.
                account("970422", "VQRQ0001ABC"),
                1_000_000_000_000,
                "Gà Đông Tảo — thịt sạch, 10 gram",
                "00020101021238550010A000000727012500069704220111VQRQ0001ABC0208QRIBFTTA\
                 5303704541310000000000005802VN62280824Ga Dong Tao thit sach 106304838C",
            ),
        ];
        for (acct, dong, purpose, expected) in cases {
            let built = payload(&acct, vnd(dong), purpose).unwrap();
            assert_eq!(built, expected);
            let parsed = parse(expected).unwrap();
            assert_eq!(parsed.bin, acct.bin());
            assert_eq!(parsed.account, acct.account());
            assert_eq!(parsed.amount, Some(vnd(dong)));
            assert_eq!(parsed.purpose, Some(sanitise_purpose(purpose)));
            assert!(parsed.dynamic);
        }
    }

    #[test]
    fn purpose_is_folded_stripped_collapsed_and_cut() {
        assert_eq!(
            sanitise_purpose("  Đơn hàng   ĐH-0042!  "),
            "Don hang DH0042"
        );
        assert_eq!(sanitise_purpose("Ta\u{0309}o\tnhãn\n"), "Tao nhan");
        assert_eq!(
            sanitise_purpose("Gà Đông Tảo — thịt sạch, 10 gram"),
            "Ga Dong Tao thit sach 10"
        );
        assert_eq!(sanitise_purpose("a".repeat(40).as_str()).len(), 25);
        assert_eq!(sanitise_purpose("#!— 漢字 "), "");
    }

    #[test]
    fn refuses_bad_accounts() {
        assert_eq!(
            BankAccount::new("97041", "123", "A"),
            Err(VietQrError::InvalidBin)
        );
        assert_eq!(
            BankAccount::new("97041a", "123", "A"),
            Err(VietQrError::InvalidBin)
        );
        assert_eq!(
            BankAccount::new("9704160", "123", "A"),
            Err(VietQrError::InvalidBin)
        );
        assert_eq!(
            BankAccount::new("970416", "", "A"),
            Err(VietQrError::InvalidAccount)
        );
        assert_eq!(
            BankAccount::new("970416", "12-34", "A"),
            Err(VietQrError::InvalidAccount)
        );
        assert_eq!(
            BankAccount::new("970416", &"1".repeat(20), "A"),
            Err(VietQrError::InvalidAccount)
        );
        assert_eq!(
            BankAccount::new("970416", "123", "  "),
            Err(VietQrError::InvalidName)
        );
        assert_eq!(
            BankAccount::new("970416", "123", &"Đ".repeat(51)),
            Err(VietQrError::InvalidName)
        );
        let ok = BankAccount::new(" 970416 ", "1234", &"Đ".repeat(50)).unwrap();
        assert_eq!((ok.bin(), ok.account()), ("970416", "1234"));
        assert_eq!(ok.name().chars().count(), 50);
    }

    #[test]
    fn refuses_zero_amount_and_empty_purpose() {
        let acct = account("970416", "123456789");
        assert_eq!(
            payload(&acct, Vnd::ZERO, "DH1"),
            Err(VietQrError::ZeroAmount)
        );
        assert_eq!(
            payload(&acct, vnd(1000), " -- !! "),
            Err(VietQrError::EmptyPurpose)
        );
        assert_eq!(
            payload(&acct, vnd(1000), ""),
            Err(VietQrError::EmptyPurpose)
        );
    }

    #[test]
    fn fields_longer_than_99_are_refused() {
        assert_eq!(
            tlv("62", &"x".repeat(100)),
            Err(VietQrError::FieldLength { id: "62", len: 100 })
        );
        assert_eq!(tlv("62", &"x".repeat(99)).unwrap().len(), 103);
        assert!(tlv("62", "").is_err());
    }

    #[test]
    fn parse_refuses_malformed_payloads() {
        let good = payload(&account("970416", "123456789"), vnd(150_000), "DH000123").unwrap();
        assert!(parse(&good).is_ok());
        assert_eq!(
            parse(""),
            Err(VietQrError::Malformed("the payload is empty"))
        );
        // Truncated anywhere: a field runs past the end, or the checksum is missing or wrong.
        for end in 0..good.len() {
            assert!(parse(&good[..end]).is_err(), "{end}");
        }
        assert!(parse(&format!("{good}00")).is_err());
        assert_eq!(
            parse(&good.to_lowercase()),
            Err(VietQrError::Malformed(
                "the checksum is 4 upper-case hex digits"
            ))
        );
        assert!(parse("0002016304ÄBCD").is_err());
        // Well formed and correctly summed, but not a transfer to an account.
        let signed = |body: &str| {
            let body = format!("{body}6304");
            let crc = crc16_ccitt_false(body.as_bytes());
            format!("{body}{crc:04X}")
        };
        assert!(matches!(
            parse(&signed("000201")),
            Err(VietQrError::NotVietQr(_))
        ));
        assert!(matches!(
            parse(&signed("00020101021100020101")),
            Err(VietQrError::Malformed("a field appears twice"))
        ));
        let amount_zero = signed(
            "00020101021238530010A0000007270123000697041601091234567890208QRIBFTTA\
             53037045401058\
             02VN",
        );
        assert_eq!(parse(&amount_zero), Err(VietQrError::ZeroAmount));
    }

    #[test]
    fn a_static_code_without_amount_or_note_parses() {
        let body = "00020101021138530010A0000007270123000697041601091234567890208QRIBFTTA\
                    53037045802VN6304";
        let crc = crc16_ccitt_false(body.as_bytes());
        let parsed = parse(&format!("{body}{crc:04X}")).unwrap();
        assert_eq!(
            parsed,
            Parsed {
                bin: "970416".into(),
                account: "123456789".into(),
                amount: None,
                purpose: None,
                dynamic: false,
            }
        );
    }

    /// Changing one character either breaks the payload or changes what it says; it never
    /// silently yields the same transfer.
    fn assert_every_single_change_is_caught(good: &str) {
        let original = parse(good).unwrap();
        let replacements = (0x20u8..=0x7e).map(char::from).chain(['đ', 'Ạ', '\0']);
        for (i, c) in good.char_indices() {
            for r in replacements.clone().filter(|&r| r != c) {
                let mut changed = String::with_capacity(good.len() + 2);
                changed.push_str(&good[..i]);
                changed.push(r);
                changed.push_str(&good[i + c.len_utf8()..]);
                if let Ok(parsed) = parse(&changed) {
                    assert_ne!(parsed, original, "{changed}");
                }
            }
        }
    }

    #[test]
    fn every_single_character_change_is_caught() {
        for good in [
            "00020101021238530010A0000007270123000697041601091234567890208QRIBFTTA\
             530370454061500005802VN62120808DH000123630454A1",
            "00020101021238550010A000000727012500069704220111VQRQ0001ABC0208QRIBFTTA\
             5303704541310000000000005802VN62280824Ga Dong Tao thit sach 106304838C",
        ] {
            assert_every_single_change_is_caught(good);
        }
    }

    /// Any sequence of fields, correctly summed, so the checks after the checksum are reached.
    fn summed_fields() -> impl Strategy<Value = String> {
        let field = (
            prop_oneof![
                Just("00".to_owned()),
                Just("01".to_owned()),
                Just("38".to_owned()),
                Just("54".to_owned()),
                Just("62".to_owned()),
                "[0-9]{2}",
            ],
            prop_oneof!["[0-9A-Z]{1,30}", "(0[0-9]0[1-9][0-9A-Z]{1,12}){1,4}"],
        );
        prop::collection::vec(field, 0..8).prop_map(|fields| {
            let mut body: String = fields
                .iter()
                .map(|(id, v)| format!("{id}{:02}{v}", v.len()))
                .collect();
            body.push_str("6304");
            let crc = crc16_ccitt_false(body.as_bytes());
            format!("{body}{crc:04X}")
        })
    }

    proptest! {
        #[test]
        fn payloads_parse_back(
            bin in "[0-9]{6}",
            number in "[0-9A-Za-z]{1,19}",
            dong in 1i64..=Vnd::MAX,
            purpose in "[a-zA-Z0-9 àáạđĐơƯữ#.,:/-]{0,60}",
        ) {
            let acct = BankAccount::new(&bin, &number, "Shop").unwrap();
            let note = sanitise_purpose(&purpose);
            match payload(&acct, vnd(dong), &purpose) {
                Err(e) => {
                    prop_assert!(note.is_empty());
                    prop_assert_eq!(e, VietQrError::EmptyPurpose);
                }
                Ok(p) => {
                    prop_assert_eq!(
                        parse(&p),
                        Ok(Parsed {
                            bin,
                            account: number,
                            amount: Some(vnd(dong)),
                            purpose: Some(note),
                            dynamic: true,
                        })
                    );
                }
            }
        }

        #[test]
        fn sanitised_purpose_is_what_banks_accept(s in "\\PC{0,60}") {
            let note = sanitise_purpose(&s);
            prop_assert!(note.len() <= PURPOSE_MAX_CHARS);
            prop_assert!(note.bytes().all(|b| b.is_ascii_alphanumeric() || b == b' '));
            prop_assert!(!note.contains("  "));
            prop_assert_eq!(note.trim(), note.as_str());
            prop_assert_eq!(sanitise_purpose(&note), note.clone());
        }

        #[test]
        fn parse_never_panics_on_any_text(s in "\\PC{0,200}") {
            let _ = parse(&s);
        }

        #[test]
        fn parse_never_panics_on_any_string(s in any::<String>()) {
            let _ = parse(&s);
        }

        #[test]
        fn parse_never_panics_on_summed_fields(s in summed_fields()) {
            let _ = parse(&s);
        }

        #[test]
        fn one_changed_character_never_goes_unnoticed(
            number in "[0-9A-Za-z]{1,19}",
            dong in 1i64..=Vnd::MAX,
            purpose in "[a-zA-Z0-9 ]{1,25}",
            at in any::<prop::sample::Index>(),
            r in 0x20u8..=0x7e,
        ) {
            let acct = BankAccount::new("970436", &number, "Shop").unwrap();
            prop_assume!(!sanitise_purpose(&purpose).is_empty());
            let good = payload(&acct, vnd(dong), &purpose).unwrap();
            let i = at.index(good.len());
            prop_assume!(good.as_bytes()[i] != r);
            let mut changed = good.clone().into_bytes();
            changed[i] = r;
            let changed = String::from_utf8(changed).unwrap();
            if let Ok(parsed) = parse(&changed) {
                prop_assert_ne!(parsed, parse(&good).unwrap());
            }
        }
    }
}
