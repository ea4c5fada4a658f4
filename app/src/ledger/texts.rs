//! The words of the ledger's pages, in Vietnamese and English. A missing translation does not
//! compile.

use super::rules::EntryKind;
use crate::i18n::Locale;

pub struct LedgerTexts {
    pub statement_title: &'static str,
    pub statement_intro: &'static str,
    pub month: &'static str,
    pub show: &'static str,
    pub opening: &'static str,
    pub closing: &'static str,
    pub date: &'static str,
    pub entry: &'static str,
    pub order: &'static str,
    pub reference: &'static str,
    pub amount: &'static str,
    pub no_entries: &'static str,
    pub download_csv: &'static str,
    pub settlement_title: &'static str,
    pub settlement_intro: fn(fee_pct: &str, vat_pct: &str, pit_pct: &str) -> String,
    pub producer: &'static str,
    pub owed: &'static str,
    pub pay_out: &'static str,
    pub payout_amount: &'static str,
    pub payout_ref: &'static str,
    pub no_balances: &'static str,
    pub withholding_title: &'static str,
    pub revenue: &'static str,
    pub vat: &'static str,
    pub pit: &'static str,
    pub no_withholding: &'static str,
    pub saved: &'static str,
    pub kind: fn(EntryKind) -> &'static str,
    pub refusal: fn(LedgerRefusal) -> &'static str,
}

/// Why a ledger form sent the administrator back (`?loi=`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum LedgerRefusal {
    BadAmount,
    BadReference,
    MoreThanOwed,
    UnknownProducer,
    BadMonth,
}

impl LedgerRefusal {
    pub const ALL: [LedgerRefusal; 5] = [
        LedgerRefusal::BadAmount,
        LedgerRefusal::BadReference,
        LedgerRefusal::MoreThanOwed,
        LedgerRefusal::UnknownProducer,
        LedgerRefusal::BadMonth,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            LedgerRefusal::BadAmount => "bad_amount",
            LedgerRefusal::BadReference => "bad_reference",
            LedgerRefusal::MoreThanOwed => "more_than_owed",
            LedgerRefusal::UnknownProducer => "unknown_producer",
            LedgerRefusal::BadMonth => "bad_month",
        }
    }

    pub fn parse(s: &str) -> Option<LedgerRefusal> {
        LedgerRefusal::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

impl LedgerTexts {
    pub fn of(locale: Locale) -> &'static LedgerTexts {
        match locale {
            Locale::Vi => &VI,
            Locale::En => &EN,
        }
    }
}

static VI: LedgerTexts = LedgerTexts {
    statement_title: "Sao kê thanh toán",
    statement_intro: "Tiền sàn thu hộ cho cơ sở trong tháng: tiền hàng, phí vận chuyển, phí sàn, thuế khấu trừ, hoàn tiền và các lần sàn chi trả.",
    month: "Tháng",
    show: "Xem",
    opening: "Số dư đầu tháng",
    closing: "Số dư cuối tháng (sàn còn nợ cơ sở)",
    date: "Ngày",
    entry: "Nội dung",
    order: "Đơn hàng",
    reference: "Tham chiếu",
    amount: "Số tiền",
    no_entries: "Không có phát sinh trong tháng.",
    download_csv: "Tải CSV",
    settlement_title: "Đối soát và chi trả cho cơ sở",
    settlement_intro: |fee, vat, pit| {
        format!(
            "Phí sàn {fee}% tiền hàng. Với hộ kinh doanh, cá nhân, khi sàn thu tiền hộ: khấu trừ thuế GTGT {vat}% và thuế TNCN {pit}% trên doanh thu (Nghị định 117/2025/NĐ-CP)."
        )
    },
    producer: "Cơ sở",
    owed: "Sàn đang nợ",
    pay_out: "Ghi nhận chi trả",
    payout_amount: "Số tiền chi trả",
    payout_ref: "Mã giao dịch ngân hàng",
    no_balances: "Chưa có phát sinh nào.",
    withholding_title: "Báo cáo thuế khấu trừ trong tháng",
    revenue: "Doanh thu",
    vat: "Thuế GTGT",
    pit: "Thuế TNCN",
    no_withholding: "Không có thuế khấu trừ trong tháng.",
    saved: "Đã ghi nhận.",
    kind: |k| match k {
        EntryKind::Payment => "Tiền đơn hàng",
        EntryKind::DirectSettlement => "Cơ sở tự thu",
        EntryKind::CarrierFee => "Phí vận chuyển",
        EntryKind::MarketplaceFee => "Phí sàn",
        EntryKind::TaxWithheld => "Thuế khấu trừ",
        EntryKind::Refund => "Hoàn tiền",
        EntryKind::Payout => "Sàn chi trả",
        EntryKind::UnmatchedCredit => "Chuyển khoản chưa khớp",
        EntryKind::CreditMatched => "Chuyển khoản khớp thủ công",
        EntryKind::CreditRefunded => "Hoàn chuyển khoản",
    },
    refusal: |r| match r {
        LedgerRefusal::BadAmount => "Hãy nhập số tiền lớn hơn 0, ví dụ 1.500.000.",
        LedgerRefusal::BadReference => "Hãy nhập mã giao dịch ngân hàng (tối đa 64 ký tự).",
        LedgerRefusal::MoreThanOwed => "Số tiền chi trả lớn hơn số sàn đang nợ cơ sở.",
        LedgerRefusal::UnknownProducer => "Không có cơ sở này.",
        LedgerRefusal::BadMonth => "Hãy chọn tháng dạng YYYY-MM.",
    },
};

static EN: LedgerTexts = LedgerTexts {
    statement_title: "Payment statement",
    statement_intro: "Money the marketplace collected for the producer in the month: goods, delivery fees, the marketplace fee, taxes withheld, refunds and payouts.",
    month: "Month",
    show: "Show",
    opening: "Opening balance",
    closing: "Closing balance (owed to the producer)",
    date: "Date",
    entry: "Entry",
    order: "Order",
    reference: "Reference",
    amount: "Amount",
    no_entries: "Nothing in this month.",
    download_csv: "Download CSV",
    settlement_title: "Producer settlement and payouts",
    settlement_intro: |fee, vat, pit| {
        format!(
            "Marketplace fee {fee}% of goods. For household and individual sellers, where the marketplace collects the money: VAT {vat}% and personal income tax {pit}% of revenue withheld (Decree 117/2025/ND-CP)."
        )
    },
    producer: "Producer",
    owed: "Owed",
    pay_out: "Record payout",
    payout_amount: "Amount paid",
    payout_ref: "Bank transfer reference",
    no_balances: "No entries yet.",
    withholding_title: "Taxes withheld in the month",
    revenue: "Revenue",
    vat: "VAT",
    pit: "Personal income tax",
    no_withholding: "No tax withheld in this month.",
    saved: "Recorded.",
    kind: |k| match k {
        EntryKind::Payment => "Order payment",
        EntryKind::DirectSettlement => "Collected by the producer",
        EntryKind::CarrierFee => "Delivery fee",
        EntryKind::MarketplaceFee => "Marketplace fee",
        EntryKind::TaxWithheld => "Tax withheld",
        EntryKind::Refund => "Refund",
        EntryKind::Payout => "Payout",
        EntryKind::UnmatchedCredit => "Unmatched transfer",
        EntryKind::CreditMatched => "Transfer matched by hand",
        EntryKind::CreditRefunded => "Transfer sent back",
    },
    refusal: |r| match r {
        LedgerRefusal::BadAmount => "Enter an amount above zero, for example 1500000.",
        LedgerRefusal::BadReference => "Enter the bank transfer's reference (up to 64 characters).",
        LedgerRefusal::MoreThanOwed => "The payout is more than the marketplace owes the producer.",
        LedgerRefusal::UnknownProducer => "No such producer.",
        LedgerRefusal::BadMonth => "Choose a month as YYYY-MM.",
    },
};

/// A rate in basis points as a percentage: 50 → "0,5" (vi) / "0.5" (en).
pub fn percent(bp: u16, locale: Locale) -> String {
    let whole = bp / 100;
    let frac = bp % 100;
    let text = if frac == 0 {
        whole.to_string()
    } else if frac.is_multiple_of(10) {
        format!("{whole}.{}", frac / 10)
    } else {
        format!("{whole}.{frac:02}")
    };
    match locale {
        Locale::Vi => text.replace('.', ","),
        Locale::En => text,
    }
}
