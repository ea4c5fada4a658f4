//! The commune's existing OCOP product list, as officers keep it in a spreadsheet: one row per
//! product with its producer and certificate. This module reads rows of cell text (the server
//! turns .xlsx and .csv files into them) and checks every row, naming each problem with its row
//! number; writing is `db::ocop_import`'s job.
//!
//! Columns (a header row is required; order is free; Vietnamese or English names, with or
//! without diacritics): producer (Tên cơ sở), producer type (Loại hình), phone (Điện thoại),
//! product name (Tên sản phẩm), group (Nhóm), stars (Số sao), decision number (Số quyết định),
//! issue date (Ngày cấp), price (Giá), unit (Đơn vị).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::{
    domain::{
        fold::fold,
        money::Vnd,
        phone::PhoneVn,
        product::{ProducerKind, SaleUnit},
    },
    officer::rules::ocop::{Certificate, IssuingLevel, Stars},
};

/// A file with more data rows than this is refused (a commune has tens of OCOP products).
pub const MAX_ROWS: usize = 2_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Column {
    Producer,
    ProducerKind,
    Phone,
    Product,
    Group,
    Stars,
    Decision,
    IssuedOn,
    Price,
    Unit,
}

impl Column {
    pub const ALL: [Column; 10] = [
        Column::Producer,
        Column::ProducerKind,
        Column::Phone,
        Column::Product,
        Column::Group,
        Column::Stars,
        Column::Decision,
        Column::IssuedOn,
        Column::Price,
        Column::Unit,
    ];

    /// Header names (folded) this column is recognised by.
    fn names(self) -> &'static [&'static str] {
        match self {
            Column::Producer => &["producer", "ten co so", "chu the", "co so", "ten chu the"],
            Column::ProducerKind => &["producer type", "loai hinh", "loai hinh chu the"],
            Column::Phone => &["phone", "dien thoai", "so dien thoai", "sdt"],
            Column::Product => &["product name", "product", "ten san pham", "san pham"],
            Column::Group => &["group", "nhom", "nhom san pham"],
            Column::Stars => &["stars", "so sao", "hang sao", "sao"],
            Column::Decision => &["decision number", "decision", "so quyet dinh", "quyet dinh"],
            Column::IssuedOn => &["issue date", "issued on", "ngay cap", "ngay quyet dinh"],
            Column::Price => &["price", "gia", "gia ban"],
            Column::Unit => &["unit", "don vi", "don vi tinh", "dvt"],
        }
    }

    /// The documented header, as the error messages name it.
    pub fn label(self) -> &'static str {
        match self {
            Column::Producer => "producer",
            Column::ProducerKind => "producer type",
            Column::Phone => "phone",
            Column::Product => "product name",
            Column::Group => "group",
            Column::Stars => "stars",
            Column::Decision => "decision number",
            Column::IssuedOn => "issue date",
            Column::Price => "price",
            Column::Unit => "unit",
        }
    }
}

/// A checked row: everything needed to create or update its producer, product, variant and
/// certificate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportRow {
    /// 1-based, counting the header as row 1 (as a spreadsheet shows it).
    pub row: usize,
    pub producer: String,
    pub producer_kind: ProducerKind,
    pub phone: Option<PhoneVn>,
    pub product: String,
    pub group: String,
    pub certificate: Certificate,
    pub price: Vnd,
    pub unit: SaleUnit,
}

/// A row that cannot be imported, and every reason why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowError {
    pub row: usize,
    pub reasons: Vec<String>,
}

/// The whole file's verdict.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Checked {
    pub rows: Vec<ImportRow>,
    pub errors: Vec<RowError>,
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FileError {
    #[error("the file has no rows")]
    Empty,
    #[error("the header row lacks the column(s): {0}")]
    MissingColumns(String),
    #[error("the file has more than {MAX_ROWS} rows")]
    TooManyRows,
}

/// Checks every data row; `groups` are the known product group codes.
pub fn check(cells: &[Vec<String>], groups: &[String]) -> Result<Checked, FileError> {
    let Some((header, data)) = cells.split_first() else {
        return Err(FileError::Empty);
    };
    let folded: Vec<String> = header.iter().map(|h| fold(h)).collect();
    let mut at = std::collections::HashMap::new();
    let mut missing = Vec::new();
    for column in Column::ALL {
        match folded
            .iter()
            .position(|h| column.names().contains(&h.as_str()))
        {
            Some(i) => {
                at.insert(column, i);
            }
            None => missing.push(column.label()),
        }
    }
    if !missing.is_empty() {
        return Err(FileError::MissingColumns(missing.join(", ")));
    }
    let data: Vec<(usize, &Vec<String>)> = data
        .iter()
        .enumerate()
        .map(|(i, r)| (i + 2, r))
        .filter(|(_, r)| r.iter().any(|c| !c.trim().is_empty()))
        .collect();
    if data.len() > MAX_ROWS {
        return Err(FileError::TooManyRows);
    }
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    let mut seen: std::collections::HashMap<(String, String), usize> = Default::default();
    for (number, cells) in data {
        let cell = |c: Column| cells.get(at[&c]).map(|s| s.trim()).unwrap_or("");
        match check_row(number, &cell, groups) {
            Ok(row) => {
                let key = (fold(&row.producer), fold(&row.product));
                if let Some(first) = seen.get(&key) {
                    errors.push(RowError {
                        row: number,
                        reasons: vec![format!(
                            "the same product of the same producer is already on row {first}"
                        )],
                    });
                } else {
                    seen.insert(key, number);
                    rows.push(row);
                }
            }
            Err(reasons) => errors.push(RowError {
                row: number,
                reasons,
            }),
        }
    }
    Ok(Checked { rows, errors })
}

fn check_row<'a>(
    row: usize,
    cell: &dyn Fn(Column) -> &'a str,
    groups: &[String],
) -> Result<ImportRow, Vec<String>> {
    let mut reasons = Vec::new();
    let mut need_text = |c: Column, max: usize| {
        let v = cell(c);
        if v.is_empty() || v.chars().count() > max {
            reasons.push(format!("{}: write 1 to {max} characters", c.label()));
            None
        } else {
            Some(v.to_owned())
        }
    };
    let producer = need_text(Column::Producer, 120);
    let product = need_text(Column::Product, 120);
    let producer_kind = producer_kind(cell(Column::ProducerKind));
    if producer_kind.is_none() {
        reasons.push(format!(
            "producer type: household (hộ), cooperative (HTX), cooperative group (THT) or enterprise (got {:?})",
            cell(Column::ProducerKind)
        ));
    }
    let phone = match cell(Column::Phone) {
        "" => Some(None),
        text => match PhoneVn::parse(text) {
            Ok(p) => Some(Some(p)),
            Err(_) => {
                reasons.push(format!("phone: a Vietnamese phone number (got {text:?})"));
                None
            }
        },
    };
    let group = group_code(cell(Column::Group), groups);
    if group.is_none() {
        reasons.push(format!(
            "group: one of {} (got {:?})",
            groups.join(", "),
            cell(Column::Group)
        ));
    }
    let stars = cell(Column::Stars)
        .trim_end_matches(['*', '★'])
        .trim()
        .parse::<f64>()
        .ok()
        .filter(|s| s.fract() == 0.0)
        .and_then(|s| Stars::new(s as i64).ok());
    if stars.is_none() {
        reasons.push(format!("stars: 3, 4 or 5 (got {:?})", cell(Column::Stars)));
    }
    let issued_on = date(cell(Column::IssuedOn));
    if issued_on.is_none() {
        reasons.push(format!(
            "issue date: a date such as 2025-03-01 or 01/03/2025 (got {:?})",
            cell(Column::IssuedOn)
        ));
    }
    let decision = cell(Column::Decision);
    if decision.is_empty() || decision.chars().count() > 60 {
        reasons.push("decision number: write 1 to 60 characters".to_owned());
    }
    let price = Vnd::parse(&cell(Column::Price).replace(".0", "")).ok();
    if price.is_none() {
        reasons.push(format!(
            "price: whole dong such as 85000 or 85.000 (got {:?})",
            cell(Column::Price)
        ));
    }
    let unit = unit(cell(Column::Unit));
    if unit.is_none() {
        reasons.push(format!(
            "unit: kg, hộp, chai, hũ, con, gói, cái or vé (got {:?})",
            cell(Column::Unit)
        ));
    }
    let certificate = match (stars, issued_on) {
        (Some(stars), Some(issued_on)) if !decision.is_empty() => {
            // Five stars are recognised nationally; three and four by the province.
            let level = if stars.get() == 5 {
                IssuingLevel::National
            } else {
                IssuingLevel::Province
            };
            match Certificate::new(stars, level, decision, issued_on, None) {
                Ok(c) => Some(c),
                Err(e) => {
                    reasons.push(format!("certificate: {e}"));
                    None
                }
            }
        }
        _ => None,
    };
    if !reasons.is_empty() {
        return Err(reasons);
    }
    match (
        producer,
        product,
        producer_kind,
        phone,
        group,
        certificate,
        price,
        unit,
    ) {
        (
            Some(producer),
            Some(product),
            Some(producer_kind),
            Some(phone),
            Some(group),
            Some(certificate),
            Some(price),
            Some(unit),
        ) => Ok(ImportRow {
            row,
            producer,
            producer_kind,
            phone,
            product,
            group,
            certificate,
            price,
            unit,
        }),
        _ => Err(vec!["the row could not be read".to_owned()]),
    }
}

fn producer_kind(text: &str) -> Option<ProducerKind> {
    let f = fold(text);
    Some(match f.as_str() {
        "household" | "ho" | "ho gia dinh" | "ho kinh doanh" | "ho san xuat" => {
            ProducerKind::Household
        }
        "cooperative" | "htx" | "hop tac xa" => ProducerKind::Cooperative,
        "cooperative group" | "cooperative_group" | "tht" | "to hop tac" => {
            ProducerKind::CooperativeGroup
        }
        "enterprise" | "doanh nghiep" | "dn" | "cong ty" | "cty" => ProducerKind::Enterprise,
        _ => return None,
    })
}

fn group_code(text: &str, groups: &[String]) -> Option<String> {
    let f = fold(text);
    let code = match f.as_str() {
        "thuc pham" | "food" => "food",
        "do uong" | "beverage" | "beverages" => "beverage",
        "duoc lieu" | "duoc lieu va san pham tu duoc lieu" | "herbal" => "herbal",
        "thu cong my nghe" | "handicraft" | "handicrafts" => "handicraft",
        "sinh vat canh" | "ornamental" => "ornamental",
        "du lich" | "dich vu du lich" | "tourism" => "tourism",
        other => other,
    };
    groups.iter().find(|g| g.as_str() == code).cloned()
}

fn unit(text: &str) -> Option<SaleUnit> {
    let f = fold(text);
    Some(match f.as_str() {
        "kg" | "kilogram" | "can" => SaleUnit::Kg,
        "box" | "hop" | "thung" => SaleUnit::Box,
        "bottle" | "chai" => SaleUnit::Bottle,
        "jar" | "hu" | "lo" => SaleUnit::Jar,
        "bird" | "con" => SaleUnit::Bird,
        "pack" | "goi" | "tui" => SaleUnit::Pack,
        "piece" | "cai" | "chiec" => SaleUnit::Piece,
        "ticket" | "ve" | "suat" => SaleUnit::Ticket,
        _ => return None,
    })
}

/// YYYY-MM-DD, DD/MM/YYYY or DD-MM-YYYY (Vietnamese day-first).
fn date(text: &str) -> Option<NaiveDate> {
    let t = text.trim();
    ["%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y"]
        .iter()
        .find_map(|f| NaiveDate::parse_from_str(t, f).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn groups() -> Vec<String> {
        [
            "food",
            "beverage",
            "herbal",
            "handicraft",
            "ornamental",
            "tourism",
        ]
        .map(String::from)
        .to_vec()
    }

    fn sheet(rows: &[&[&str]]) -> Vec<Vec<String>> {
        rows.iter()
            .map(|r| r.iter().map(|c| c.to_string()).collect())
            .collect()
    }

    const HEADER: &[&str] = &[
        "Tên cơ sở",
        "Loại hình",
        "Điện thoại",
        "Tên sản phẩm",
        "Nhóm",
        "Số sao",
        "Số quyết định",
        "Ngày cấp",
        "Giá",
        "Đơn vị",
    ];

    #[test]
    fn good_rows_in_vietnamese() {
        let checked = check(
            &sheet(&[
                HEADER,
                &[
                    "HTX Nhãn Tân Hưng",
                    "HTX",
                    "0912 345 678",
                    "Nhãn lồng",
                    "Thực phẩm",
                    "4",
                    "1820/QĐ-UBND",
                    "20/08/2025",
                    "85.000",
                    "kg",
                ],
                &["", "", "", "", "", "", "", "", "", ""],
                &[
                    "Hộ ông Tư",
                    "hộ",
                    "",
                    "Mật ong",
                    "food",
                    "3",
                    "77/QĐ",
                    "2024-05-14",
                    "180000",
                    "chai",
                ],
            ]),
            &groups(),
        )
        .unwrap();
        assert!(checked.errors.is_empty(), "{:?}", checked.errors);
        assert_eq!(checked.rows.len(), 2);
        assert_eq!(checked.rows[0].row, 2);
        assert_eq!(checked.rows[1].row, 4, "blank rows keep the numbering");
        assert_eq!(checked.rows[0].producer_kind, ProducerKind::Cooperative);
        assert_eq!(
            checked.rows[0].certificate.expires_on(),
            NaiveDate::from_ymd_opt(2028, 8, 19).unwrap()
        );
        assert_eq!(checked.rows[1].unit, SaleUnit::Bottle);
    }

    #[test]
    fn every_bad_cell_is_named_with_its_row() {
        let checked = check(
            &sheet(&[
                HEADER,
                &[
                    "A",
                    "hộ",
                    "12",
                    "Bánh",
                    "kẹo",
                    "7",
                    "",
                    "31/02/2025",
                    "-5",
                    "tấn",
                ],
                &[
                    "B",
                    "hộ",
                    "",
                    "Tương",
                    "food",
                    "4",
                    "1/QĐ",
                    "2025-01-01",
                    "35000",
                    "hũ",
                ],
                &[
                    "b",
                    "hộ",
                    "",
                    "TƯƠNG",
                    "food",
                    "4",
                    "2/QĐ",
                    "2025-01-01",
                    "35000",
                    "hũ",
                ],
            ]),
            &groups(),
        )
        .unwrap();
        assert_eq!(checked.rows.len(), 1);
        let first = &checked.errors[0];
        assert_eq!(first.row, 2);
        let text = first.reasons.join(" | ");
        for part in [
            "phone",
            "group",
            "stars",
            "issue date",
            "decision number",
            "price",
            "unit",
        ] {
            assert!(text.contains(part), "{part} in {text}");
        }
        assert_eq!(checked.errors[1].row, 4);
        assert!(
            checked.errors[1].reasons[0].contains("row 3"),
            "duplicate of row 3"
        );
    }

    #[test]
    fn headers_are_required() {
        assert_eq!(check(&[], &groups()), Err(FileError::Empty));
        let err = check(&sheet(&[&["Tên cơ sở", "Giá"]]), &groups()).unwrap_err();
        assert!(
            matches!(err, FileError::MissingColumns(m) if m.contains("product name") && m.contains("unit"))
        );
    }

    proptest::proptest! {
        #[test]
        fn any_cells_never_panic(cells in proptest::collection::vec(proptest::collection::vec(".{0,12}", 0..12), 0..6)) {
            let mut all = vec![HEADER.iter().map(|c| c.to_string()).collect::<Vec<_>>()];
            all.extend(cells);
            let _ = check(&all, &groups());
        }
    }
}
