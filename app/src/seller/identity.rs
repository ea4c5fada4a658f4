//! A seller's legal identity: what a seller on a trading platform must tell buyers (Consumer
//! Protection Law 2023, art. 37(1)(a–b)): the name it is registered under, its address and
//! phone, and its tax code or business registration number. Given when applying (or later on
//! `/ban-hang/thong-tin-phap-ly`), checked by the commune officer, required before a producer's
//! first listing is sent for review, and shown on the public producer page.

use serde::{Deserialize, Serialize};

use crate::domain::{phone::PhoneVn, product::ProducerKind};

/// The seller's page for it.
pub const PAGE: &str = "/ban-hang/thong-tin-phap-ly";

/// A complete, checked-in-form identity.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SellerIdentity {
    pub legal_name: String,
    pub address: String,
    /// E.164 (`+84…`), as stored.
    pub phone: String,
    /// Mã số thuế: 10 digits, 10-3 for a branch, or the 12-digit personal ID number that
    /// serves as an individual's tax code since July 2025. Empty when not given.
    pub tax_code: String,
    /// Business registration: the enterprise code, the cooperative's or the household
    /// business's certificate number. Empty when not given.
    pub registration_no: String,
}

/// Why an identity form was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "loi", rename_all = "snake_case")]
pub enum IdentityRefusal {
    LegalName,
    Address,
    Phone,
    TaxCode,
    /// Enterprises and cooperatives give their registration number; others a tax code or ID.
    Registration,
}

impl crate::pages::refusal::Refusal for IdentityRefusal {
    fn unknown() -> Option<Self> {
        None
    }
}

/// Whether the kind of seller is a registered organisation (registration number required).
pub fn is_organisation(kind: ProducerKind) -> bool {
    matches!(kind, ProducerKind::Cooperative | ProducerKind::Enterprise)
}

fn tax_code_ok(code: &str) -> bool {
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    match code.split_once('-') {
        Some((main, branch)) => digits(main, 10) && digits(branch, 3),
        None => digits(code, 10) || digits(code, 12),
    }
}

fn registration_ok(no: &str) -> bool {
    (1..=40).contains(&no.len())
        && no.bytes().any(|b| b.is_ascii_digit())
        && no
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'/' | b'-' | b'.' | b' '))
}

impl SellerIdentity {
    /// The form's fields for a seller of `kind`, cleaned and checked.
    pub fn parse(
        kind: ProducerKind,
        legal_name: &str,
        address: &str,
        phone: &str,
        tax_code: &str,
        registration_no: &str,
    ) -> Result<SellerIdentity, IdentityRefusal> {
        let squeeze = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
        let legal_name = squeeze(legal_name);
        let address = squeeze(address);
        let tax_code: String = tax_code.chars().filter(|c| !c.is_whitespace()).collect();
        let registration_no = squeeze(registration_no).to_uppercase();
        if !(2..=200).contains(&legal_name.chars().count())
            || !crate::domain::text::has_visible(&legal_name)
        {
            return Err(IdentityRefusal::LegalName);
        }
        if !(10..=300).contains(&address.chars().count()) {
            return Err(IdentityRefusal::Address);
        }
        let phone = PhoneVn::parse(phone).map_err(|_| IdentityRefusal::Phone)?;
        if !tax_code.is_empty() && !tax_code_ok(&tax_code) {
            return Err(IdentityRefusal::TaxCode);
        }
        if !registration_no.is_empty() && !registration_ok(&registration_no) {
            return Err(IdentityRefusal::Registration);
        }
        let enough = if is_organisation(kind) {
            !registration_no.is_empty()
        } else {
            !tax_code.is_empty() || !registration_no.is_empty()
        };
        if !enough {
            return Err(if is_organisation(kind) {
                IdentityRefusal::Registration
            } else {
                IdentityRefusal::TaxCode
            });
        }
        Ok(SellerIdentity {
            legal_name,
            address,
            phone: phone.e164(),
            tax_code,
            registration_no,
        })
    }

    /// The identity as stored, if it is complete for `kind` (a row written before the rule, or
    /// by hand, may not be).
    pub fn from_stored(
        kind: ProducerKind,
        legal_name: Option<&str>,
        address: &str,
        phone: Option<&str>,
        tax_code: Option<&str>,
        registration_no: Option<&str>,
    ) -> Option<SellerIdentity> {
        SellerIdentity::parse(
            kind,
            legal_name?,
            address,
            phone?,
            tax_code.unwrap_or(""),
            registration_no.unwrap_or(""),
        )
        .ok()
    }

    /// The phone as people write it (0912 345 678).
    pub fn phone_display(&self) -> String {
        PhoneVn::parse(&self.phone).map_or_else(|_| self.phone.clone(), |p| p.display())
    }
}

/// What the public producer page and the officer see of a seller's identity.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct IdentityView {
    pub identity: SellerIdentity,
    /// When a commune officer checked it (None: not yet, or changed since).
    pub checked_at: Option<String>,
}

pub struct IdentityTexts {
    pub title: &'static str,
    pub intro: &'static str,
    pub legal_name: &'static str,
    pub address: &'static str,
    pub phone: &'static str,
    pub tax_code: &'static str,
    pub tax_help: &'static str,
    pub registration: &'static str,
    pub registration_help: &'static str,
    pub save: &'static str,
    pub saved: &'static str,
    pub checked: &'static str,
    pub unchecked: &'static str,
    pub missing: &'static str,
    pub fill_in: &'static str,
    pub seller_heading: &'static str,
    pub to_check: &'static str,
    pub mark_checked: &'static str,
    pub none_given: &'static str,
    pub application_note: &'static str,
}

impl IdentityTexts {
    pub fn of(locale: crate::i18n::Locale) -> &'static IdentityTexts {
        match locale {
            crate::i18n::Locale::Vi => &VI,
            crate::i18n::Locale::En => &EN,
        }
    }

    pub fn refusal(&self, r: IdentityRefusal) -> &'static str {
        let vi = std::ptr::eq(self, &VI);
        match (vi, r) {
            (true, IdentityRefusal::LegalName) => {
                "Hãy ghi tên đăng ký (như trên giấy chứng nhận), 2–200 ký tự."
            }
            (true, IdentityRefusal::Address) => {
                "Hãy ghi địa chỉ đầy đủ (số nhà hoặc thôn, xã, tỉnh)."
            }
            (true, IdentityRefusal::Phone) => {
                "Số điện thoại di động không đúng (10 chữ số, bắt đầu bằng 03, 05, 07, 08 hoặc 09)."
            }
            (true, IdentityRefusal::TaxCode) => {
                "Hãy ghi mã số thuế (10 chữ số, hoặc 10-3 cho chi nhánh) hoặc số định danh cá nhân 12 chữ số."
            }
            (true, IdentityRefusal::Registration) => {
                "Doanh nghiệp và hợp tác xã ghi số đăng ký (mã số doanh nghiệp hoặc số giấy chứng nhận đăng ký hợp tác xã)."
            }
            (false, IdentityRefusal::LegalName) => {
                "Give the registered name (as on the certificate), 2–200 characters."
            }
            (false, IdentityRefusal::Address) => {
                "Give the full address (house or hamlet, commune, province)."
            }
            (false, IdentityRefusal::Phone) => {
                "The mobile number is not valid (10 digits starting with 03, 05, 07, 08 or 09)."
            }
            (false, IdentityRefusal::TaxCode) => {
                "Give the tax code (10 digits, or 10-3 for a branch) or the 12-digit personal ID number."
            }
            (false, IdentityRefusal::Registration) => {
                "Enterprises and cooperatives give their registration number (enterprise code or cooperative certificate number)."
            }
        }
    }
}

static VI: IdentityTexts = IdentityTexts {
    title: "Thông tin pháp lý người bán",
    intro: "Pháp luật yêu cầu người bán trên sàn cho người mua biết tên, địa chỉ, điện thoại và mã số thuế hoặc số đăng ký kinh doanh. Thông tin này hiện trên trang nhà sản xuất; cán bộ xã kiểm tra lại mỗi khi bạn thay đổi.",
    legal_name: "Tên đăng ký",
    address: "Địa chỉ",
    phone: "Điện thoại",
    tax_code: "Mã số thuế",
    tax_help: "Hộ, tổ hợp tác: mã số thuế hoặc số định danh cá nhân 12 chữ số của chủ hộ.",
    registration: "Số đăng ký kinh doanh",
    registration_help: "Bắt buộc với doanh nghiệp (mã số doanh nghiệp) và hợp tác xã (số giấy chứng nhận đăng ký).",
    save: "Lưu thông tin",
    saved: "Đã lưu. Cán bộ xã sẽ kiểm tra lại.",
    checked: "Cán bộ xã đã kiểm tra ngày",
    unchecked: "Chưa được cán bộ xã kiểm tra",
    missing: "Bạn chưa khai đủ thông tin pháp lý. Sản phẩm chỉ được gửi duyệt sau khi khai đủ.",
    fill_in: "Khai thông tin pháp lý",
    seller_heading: "Thông tin người bán",
    to_check: "Thông tin người bán cần kiểm tra",
    mark_checked: "Đã kiểm tra",
    none_given: "Chưa khai thông tin pháp lý",
    application_note: "Thông tin pháp lý (có thể khai sau, nhưng cần trước khi gửi duyệt sản phẩm đầu tiên)",
};

static EN: IdentityTexts = IdentityTexts {
    title: "Seller's legal identity",
    intro: "The law requires sellers on a marketplace to tell buyers their name, address, phone and tax code or business registration number. It shows on the producer page; the commune officer checks it again after each change.",
    legal_name: "Registered name",
    address: "Address",
    phone: "Phone",
    tax_code: "Tax code",
    tax_help: "Households and cooperative groups: the tax code or the owner's 12-digit personal ID number.",
    registration: "Business registration number",
    registration_help: "Required of enterprises (enterprise code) and cooperatives (registration certificate number).",
    save: "Save",
    saved: "Saved. The commune officer will check it again.",
    checked: "Checked by the commune officer on",
    unchecked: "Not yet checked by the commune officer",
    missing: "Your legal identity is incomplete. Products can be sent for review only once it is complete.",
    fill_in: "Give the legal identity",
    seller_heading: "Seller details",
    to_check: "Seller details to check",
    mark_checked: "Checked",
    none_given: "No legal identity given",
    application_note: "Legal identity (may be given later, but is needed before the first product is sent for review)",
};

#[cfg(test)]
mod tests {
    use super::*;
    use ProducerKind::*;

    fn parse(kind: ProducerKind, tax: &str, reg: &str) -> Result<SellerIdentity, IdentityRefusal> {
        SellerIdentity::parse(
            kind,
            " HTX  Nhãn lồng ",
            "Thôn 3, xã Tân Hưng, tỉnh Hưng Yên",
            "0912 345 678",
            tax,
            reg,
        )
    }

    #[test]
    fn households_give_a_tax_code_or_id_and_organisations_their_registration() {
        let ok = parse(Household, "0901234567", "").unwrap();
        assert_eq!(ok.legal_name, "HTX Nhãn lồng");
        assert_eq!(ok.phone, "+84912345678");
        assert!(
            parse(Household, "001203004005", "").is_ok(),
            "a personal ID number"
        );
        assert!(parse(CooperativeGroup, "0901234567-001", "").is_ok());
        assert_eq!(parse(Household, "", ""), Err(IdentityRefusal::TaxCode));
        assert!(
            parse(Household, "", "05A8001234").is_ok(),
            "a household business certificate"
        );
        for kind in [Cooperative, Enterprise] {
            assert_eq!(
                parse(kind, "0901234567", ""),
                Err(IdentityRefusal::Registration)
            );
            assert!(parse(kind, "", "0901234567").is_ok());
        }
        assert_eq!(parse(Household, "12345", ""), Err(IdentityRefusal::TaxCode));
        assert_eq!(
            parse(Enterprise, "", "<script>"),
            Err(IdentityRefusal::Registration)
        );
    }

    #[test]
    fn names_addresses_and_phones_are_checked() {
        let p = |n: &str, a: &str, ph: &str| {
            SellerIdentity::parse(Household, n, a, ph, "0901234567", "")
        };
        assert_eq!(
            p("H", "Thôn 3, xã Tân Hưng", "0912345678"),
            Err(IdentityRefusal::LegalName)
        );
        assert_eq!(
            p("Hộ Lan", "Tân Hưng", "0912345678"),
            Err(IdentityRefusal::Address)
        );
        assert_eq!(
            p("Hộ Lan", "Thôn 3, xã Tân Hưng", "12"),
            Err(IdentityRefusal::Phone)
        );
        let stored = SellerIdentity::from_stored(
            Household,
            Some("Hộ Lan"),
            "Thôn 3, xã Tân Hưng",
            Some("+84912345678"),
            Some("0901234567"),
            None,
        );
        assert_eq!(stored.unwrap().phone_display(), "0912 345 678");
        assert_eq!(
            SellerIdentity::from_stored(
                Household,
                None,
                "Thôn 3, xã Tân Hưng",
                Some("+84912345678"),
                None,
                None
            ),
            None
        );
    }
}
