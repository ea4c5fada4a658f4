//! Who operates the marketplace, as the law asks it to be shown on every page (the footer):
//! name, head office, contacts, business registration, legal representative and the Ministry
//! of Industry and Trade's e-commerce registration with its badge. Site settings, edited by
//! administrators on `/quan-tri`.

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Operator {
    pub name: String,
    pub address: String,
    pub phone: String,
    pub email: String,
    /// Business registration: number, date and issuer, as printed on the certificate.
    pub business_registration: String,
    pub representative: String,
    /// The e-commerce registration number the Ministry gave.
    pub ecommerce_registration: String,
    /// The registration's record on the Ministry's portal (online.gov.vn), the badge's link.
    pub ecommerce_record_url: String,
}

/// The site settings' keys, one per field, in the form's order.
pub const KEYS: [&str; 8] = [
    "operator_name",
    "operator_address",
    "operator_phone",
    "operator_email",
    "operator_business_registration",
    "operator_representative",
    "operator_ecommerce_registration",
    "operator_ecommerce_record_url",
];

/// Why the operator form was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "loi", rename_all = "snake_case")]
pub enum OperatorRefusal {
    /// Name (2–200 characters) and head office (up to 300) are required.
    Name,
    Address,
    /// A phone number or an email, so people can reach the operator.
    Contact,
    /// Another field is longer than 200 characters.
    TooLong,
    /// The badge links to the Ministry's portal only, and needs the number with it.
    Record,
}

impl crate::pages::refusal::Refusal for OperatorRefusal {
    fn unknown() -> Option<Self> {
        None
    }
}

/// The Ministry's portal, where the registration's record lives.
const PORTALS: [&str; 2] = ["https://online.gov.vn/", "http://online.gov.vn/"];

impl Operator {
    /// The fields in [`KEYS`] order.
    pub fn values(&self) -> [&str; 8] {
        [
            &self.name,
            &self.address,
            &self.phone,
            &self.email,
            &self.business_registration,
            &self.representative,
            &self.ecommerce_registration,
            &self.ecommerce_record_url,
        ]
    }

    /// Built from (key, value) settings; unknown keys are ignored.
    pub fn from_settings<'a>(settings: impl IntoIterator<Item = (&'a str, &'a str)>) -> Operator {
        let mut o = Operator::default();
        for (key, value) in settings {
            let field = match key {
                "operator_name" => &mut o.name,
                "operator_address" => &mut o.address,
                "operator_phone" => &mut o.phone,
                "operator_email" => &mut o.email,
                "operator_business_registration" => &mut o.business_registration,
                "operator_representative" => &mut o.representative,
                "operator_ecommerce_registration" => &mut o.ecommerce_registration,
                "operator_ecommerce_record_url" => &mut o.ecommerce_record_url,
                _ => continue,
            };
            *field = value.to_owned();
        }
        o
    }

    /// The form's fields, trimmed and checked.
    pub fn parse(values: [&str; 8]) -> Result<Operator, OperatorRefusal> {
        let v = values.map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "));
        let o = Operator::from_settings(KEYS.iter().copied().zip(v.iter().map(String::as_str)));
        let len = |s: &str| s.chars().count();
        if !(2..=200).contains(&len(&o.name)) {
            return Err(OperatorRefusal::Name);
        }
        if !(5..=300).contains(&len(&o.address)) {
            return Err(OperatorRefusal::Address);
        }
        if o.phone.is_empty() && o.email.is_empty() || !o.email.is_empty() && !o.email.contains('@')
        {
            return Err(OperatorRefusal::Contact);
        }
        if o.values().iter().skip(2).any(|s| len(s) > 200) {
            return Err(OperatorRefusal::TooLong);
        }
        let url = &o.ecommerce_record_url;
        let on_portal = PORTALS.iter().any(|p| url.starts_with(p));
        if !url.is_empty() && (!on_portal || o.ecommerce_registration.is_empty()) {
            return Err(OperatorRefusal::Record);
        }
        Ok(o)
    }

    /// Whether an administrator has said who operates the site.
    pub fn is_set(&self) -> bool {
        !self.name.is_empty()
    }

    /// The badge's (record link, registration number): only for a registration on record at
    /// the Ministry's portal. No badge is drawn for a registration that cannot be checked.
    pub fn badge(&self) -> Option<(&str, &str)> {
        let url = self.ecommerce_record_url.as_str();
        (PORTALS.iter().any(|p| url.starts_with(p)) && !self.ecommerce_registration.is_empty())
            .then_some((url, self.ecommerce_registration.as_str()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: [&str; 8] = [
        " Công ty  TNHH Sàn OCOP ",
        "Số 1 Nguyễn Văn Linh, Hưng Yên",
        "0221 3 123 456",
        "",
        "0901234567, Sở Tài chính Hưng Yên cấp ngày 01/07/2026",
        "Nguyễn Văn A, Giám đốc",
        "",
        "",
    ];

    #[test]
    fn the_form_needs_a_name_an_address_and_a_way_to_reach_the_operator() {
        let o = Operator::parse(GOOD).unwrap();
        assert_eq!(o.name, "Công ty TNHH Sàn OCOP");
        assert!(o.is_set());
        assert_eq!(o.badge(), None);
        let with = |i: usize, v: &'static str| {
            let mut f = GOOD;
            f[i] = v;
            Operator::parse(f)
        };
        assert_eq!(with(0, "C"), Err(OperatorRefusal::Name));
        assert_eq!(with(1, ""), Err(OperatorRefusal::Address));
        assert_eq!(with(2, ""), Err(OperatorRefusal::Contact));
        let mut f = GOOD;
        f[2] = "";
        f[3] = "lienhe@san.vn";
        assert!(Operator::parse(f).is_ok());
        f[3] = "lienhe";
        assert_eq!(Operator::parse(f), Err(OperatorRefusal::Contact));
        let long = "x".repeat(201).leak();
        assert_eq!(with(5, long), Err(OperatorRefusal::TooLong));
    }

    #[test]
    fn the_badge_links_only_to_a_record_on_the_ministrys_portal() {
        let mut f = GOOD;
        f[7] = "https://example.com/fake";
        f[6] = "123/GP-BCT";
        assert_eq!(Operator::parse(f), Err(OperatorRefusal::Record));
        f[7] = "http://online.gov.vn/Home/WebDetails/123456";
        let o = Operator::parse(f).unwrap();
        assert_eq!(
            o.badge(),
            Some(("http://online.gov.vn/Home/WebDetails/123456", "123/GP-BCT"))
        );
        f[6] = "";
        assert_eq!(Operator::parse(f), Err(OperatorRefusal::Record));
        // Read back from settings, field by field.
        let o = Operator::parse(GOOD).unwrap();
        let back = Operator::from_settings(KEYS.iter().copied().zip(o.values()));
        assert_eq!(back, o);
    }
}
