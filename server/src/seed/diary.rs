//! A believable season of farm-diary entries per crop, ending in the harvest of a lot.
//! Every spraying names its product, active ingredient and pre-harvest interval, and the harvest
//! falls after the last interval has passed, as VietGAP requires (checked when seeding).

use app::diary::rules::EntryKind;
use chrono::{Days, NaiveDate};

pub struct Entry {
    pub kind: EntryKind,
    pub on: NaiveDate,
    pub input_name: Option<&'static str>,
    pub active_ingredient: Option<&'static str>,
    pub target: Option<&'static str>,
    pub dose: Option<&'static str>,
    pub phi_days: Option<i64>,
    pub note: &'static str,
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid calendar date in the season template")
}

fn entry(kind: EntryKind, on: NaiveDate, note: &'static str) -> Entry {
    Entry {
        kind,
        on,
        input_name: None,
        active_ingredient: None,
        target: None,
        dose: None,
        phi_days: None,
        note,
    }
}

fn fertilising(
    on: NaiveDate,
    product: &'static str,
    dose: &'static str,
    note: &'static str,
) -> Entry {
    Entry {
        input_name: Some(product),
        dose: Some(dose),
        ..entry(EntryKind::Fertilising, on, note)
    }
}

fn spraying(
    on: NaiveDate,
    product: &'static str,
    active: &'static str,
    target: &'static str,
    dose: &'static str,
    phi_days: i64,
) -> Entry {
    Entry {
        input_name: Some(product),
        active_ingredient: Some(active),
        target: Some(target),
        dose: Some(dose),
        phi_days: Some(phi_days),
        ..entry(EntryKind::Spraying, on, "")
    }
}

/// Picking a lot; one per lot, after the season's work on the plot.
pub fn harvest(on: NaiveDate) -> Entry {
    entry(
        EntryKind::Harvest,
        on,
        "Thu hoạch khi đạt độ chín, phân loại tại vườn.",
    )
}

/// Packing a lot for sale, with its traceability label.
pub fn packing(on: NaiveDate) -> Entry {
    entry(
        EntryKind::Packing,
        on,
        "Đóng gói, dán tem truy xuất nguồn gốc.",
    )
}

/// The Vietnamese name of a crop, for plot names.
pub fn crop_name_vi(crop: &str) -> &str {
    match crop {
        "longan" => "nhãn lồng",
        "turmeric" => "nghệ",
        "kumquat" => "quất cảnh",
        "chrysanthemum" => "cúc",
        other => other,
    }
}

/// The day this season's crop is harvested.
pub fn harvest_day(crop: &str) -> NaiveDate {
    match crop {
        // Nhãn lồng ripens in July–August.
        "longan" => date(2026, 7, 20),
        // Turmeric is dug in winter, when the leaves yellow.
        "turmeric" => date(2025, 12, 18),
        // Potted kumquat trees leave the garden just before Tết.
        "kumquat" => date(2026, 2, 5),
        "chrysanthemum" => date(2026, 11, 10),
        _ => date(2026, 6, 15),
    }
}

/// The season's work on a plot before the harvest (the harvest and packing are per lot).
pub fn season(crop: &str) -> Vec<Entry> {
    let h = harvest_day(crop);
    let before = |days: u64| {
        h.checked_sub_days(Days::new(days))
            .expect("date inside the calendar")
    };
    match crop {
        "longan" => vec![
            entry(
                EntryKind::Pruning,
                date(2025, 8, 25),
                "Cắt tỉa cành sau thu hoạch, tạo tán thông thoáng.",
            ),
            fertilising(
                date(2025, 9, 10),
                "Phân chuồng hoai mục",
                "20 kg/cây",
                "Bón phục hồi sau thu hoạch.",
            ),
            entry(
                EntryKind::FlowerInduction,
                date(2025, 12, 5),
                "Khoanh vỏ cành cấp 2 để phân hoá mầm hoa.",
            ),
            fertilising(
                date(2026, 2, 15),
                "NPK 16-16-8",
                "1,5 kg/cây",
                "Bón thúc trước khi ra hoa.",
            ),
            spraying(
                date(2026, 3, 20),
                "Vertimec 1.8EC",
                "Abamectin",
                "Nhện lông nhung",
                "10 ml/bình 16 lít",
                7,
            ),
            entry(
                EntryKind::Observation,
                date(2026, 4, 25),
                "Đậu quả đều, trung bình 25–30 quả/chùm.",
            ),
            spraying(
                date(2026, 5, 10),
                "Daconil 500SC",
                "Chlorothalonil",
                "Thán thư",
                "20 ml/bình 16 lít",
                7,
            ),
            entry(
                EntryKind::FruitBagging,
                date(2026, 5, 20),
                "Bao chùm quả bằng túi vải không dệt.",
            ),
            fertilising(
                date(2026, 6, 10),
                "Kali clorua (KCl)",
                "0,5 kg/cây",
                "Bón nuôi quả, tăng độ ngọt.",
            ),
            entry(
                EntryKind::Irrigation,
                date(2026, 6, 18),
                "Tưới rãnh, giữ ẩm 70% trong giai đoạn quả lớn.",
            ),
            spraying(
                date(2026, 6, 25),
                "Kasumin 2SL",
                "Kasugamycin",
                "Thối quả",
                "20 ml/bình 8 lít",
                7,
            ),
            entry(
                EntryKind::LabTest,
                date(2026, 7, 10),
                "Kiểm nghiệm dư lượng thuốc BVTV: không phát hiện vượt giới hạn (số liệu demo).",
            ),
        ],
        _ => vec![
            entry(
                EntryKind::Planting,
                before(300),
                "Làm đất, trồng cây giống khoẻ, sạch bệnh.",
            ),
            fertilising(
                before(240),
                "Phân hữu cơ vi sinh",
                "1 tấn/1.000 m²",
                "Bón lót.",
            ),
            entry(
                EntryKind::Irrigation,
                before(150),
                "Tưới nhỏ giọt hai ngày một lần.",
            ),
            // A product the permitted list registers for the crop where it has entries.
            if crop == "chrysanthemum" {
                spraying(
                    before(60),
                    "Econeem Plus 1EC",
                    "Azadirachtin",
                    "Bọ trĩ",
                    "15 ml/bình 16 lít",
                    7,
                )
            } else {
                spraying(
                    before(60),
                    "Vertimec 1.8EC",
                    "Abamectin",
                    "Sâu ăn lá",
                    "10 ml/bình 16 lít",
                    7,
                )
            },
            entry(
                EntryKind::Observation,
                before(30),
                "Cây sinh trưởng tốt, không thấy sâu bệnh gây hại.",
            ),
            entry(
                EntryKind::LabTest,
                before(10),
                "Kiểm nghiệm dư lượng thuốc BVTV: đạt (số liệu demo).",
            ),
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use app::diary::{
        register::{Register, RegisterStatus},
        rules::{Spraying, check_harvest},
    };

    #[test]
    fn every_demo_spraying_passes_the_plant_protection_register() {
        let register = Register::embedded().unwrap();
        for crop in ["longan", "turmeric", "kumquat", "chrysanthemum", "other"] {
            for e in season(crop)
                .iter()
                .filter(|e| e.kind == EntryKind::Spraying)
            {
                let active = e.active_ingredient.unwrap();
                let assessed = register.assess(active, crop);
                // Registered where the register has the crop's entries: the demo shows no
                // warning an officer would have to chase.
                let status = assessed.map(|a| a.status);
                assert!(
                    matches!(
                        status,
                        Ok(RegisterStatus::Registered | RegisterStatus::CropNotListed)
                    ),
                    "{crop}: {active}: {status:?}"
                );
                // Every demo spraying gives its label's interval.
                assert!(e.phi_days.is_some(), "{crop}: {active}");
            }
        }
    }

    #[test]
    fn every_season_respects_the_pre_harvest_interval() {
        for crop in ["longan", "turmeric", "kumquat", "chrysanthemum", "other"] {
            let sprayings: Vec<Spraying> = season(crop)
                .iter()
                .filter(|e| e.kind == EntryKind::Spraying)
                .map(|e| Spraying {
                    product_name: e.input_name.unwrap().into(),
                    sprayed_on: e.on,
                    phi_days: e.phi_days.unwrap() as u32,
                })
                .collect();
            assert!(!sprayings.is_empty());
            check_harvest(&sprayings, harvest_day(crop)).unwrap();
            assert!(
                season(crop).iter().all(|e| e.on < harvest_day(crop)),
                "{crop}"
            );
        }
    }
}
