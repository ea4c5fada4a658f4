//! The settlement ledger's rules, pure: the accounts, what each money event posts, and the
//! withholding figures. Every posting is a set of lines (debit positive, credit negative) that
//! sums to zero; [`Posting::new`] refuses any other, so an unbalanced posting cannot exist.
//!
//! What the marketplace holds is `CashHeld` (its own bank and card money). For each producer,
//! `ProducerPayable` carries what the marketplace owes them (a credit, so negative); the balance
//! owed is its negation. Money a producer collects itself (cash on delivery through its own
//! carrier account, a transfer to its own bank account) never passes through `CashHeld`: the
//! sale is credited and at once settled directly, so only the fee remains between them.

use serde::{Deserialize, Serialize};

/// Where a line of a posting is booked.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Account {
    /// Money the marketplace holds for buyers and producers (asset).
    CashHeld,
    /// What the marketplace owes a producer (liability).
    ProducerPayable,
    /// Money a producer collected itself (memo asset, settled at once).
    CollectedByProducer,
    /// The marketplace's fee (revenue).
    MarketplaceFeeRevenue,
    /// Shipping fees owed to the carriers (liability).
    CarrierFees,
    /// VAT withheld for household sellers (liability to the tax office).
    TaxWithheldVat,
    /// Personal income tax withheld for household sellers.
    TaxWithheldPit,
    /// Money received that matches no order yet (liability to whoever sent it).
    UnmatchedCredits,
}

impl Account {
    pub const ALL: [Account; 8] = [
        Account::CashHeld,
        Account::ProducerPayable,
        Account::CollectedByProducer,
        Account::MarketplaceFeeRevenue,
        Account::CarrierFees,
        Account::TaxWithheldVat,
        Account::TaxWithheldPit,
        Account::UnmatchedCredits,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Account::CashHeld => "buyer_cash_held",
            Account::ProducerPayable => "producer_payable",
            Account::CollectedByProducer => "collected_by_producer",
            Account::MarketplaceFeeRevenue => "marketplace_fee_revenue",
            Account::CarrierFees => "carrier_fees",
            Account::TaxWithheldVat => "tax_withheld_vat",
            Account::TaxWithheldPit => "tax_withheld_pit",
            Account::UnmatchedCredits => "unmatched_credits",
        }
    }

    pub fn parse(s: &str) -> Option<Account> {
        Account::ALL.into_iter().find(|a| a.as_str() == s)
    }
}

/// What happened, as a posting's kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum EntryKind {
    Payment,
    DirectSettlement,
    CarrierFee,
    MarketplaceFee,
    TaxWithheld,
    Refund,
    Payout,
    UnmatchedCredit,
    CreditMatched,
    CreditRefunded,
}

impl EntryKind {
    pub const ALL: [EntryKind; 10] = [
        EntryKind::Payment,
        EntryKind::DirectSettlement,
        EntryKind::CarrierFee,
        EntryKind::MarketplaceFee,
        EntryKind::TaxWithheld,
        EntryKind::Refund,
        EntryKind::Payout,
        EntryKind::UnmatchedCredit,
        EntryKind::CreditMatched,
        EntryKind::CreditRefunded,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EntryKind::Payment => "payment",
            EntryKind::DirectSettlement => "direct_settlement",
            EntryKind::CarrierFee => "carrier_fee",
            EntryKind::MarketplaceFee => "marketplace_fee",
            EntryKind::TaxWithheld => "tax_withheld",
            EntryKind::Refund => "refund",
            EntryKind::Payout => "payout",
            EntryKind::UnmatchedCredit => "unmatched_credit",
            EntryKind::CreditMatched => "credit_matched",
            EntryKind::CreditRefunded => "credit_refunded",
        }
    }

    pub fn parse(s: &str) -> Option<EntryKind> {
        EntryKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// One line: `amount` dong on `account` (debit positive, credit negative).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Line {
    pub account: Account,
    pub amount: i64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PostingError {
    #[error("the lines of a posting must sum to zero (they sum to {0})")]
    Unbalanced(i64),
    #[error("an amount is out of range")]
    Overflow,
}

/// A balanced set of lines of one kind. Lines of zero are dropped (a 0% fee posts nothing).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Posting {
    kind: EntryKind,
    lines: Vec<Line>,
}

impl Posting {
    pub fn new(kind: EntryKind, lines: Vec<Line>) -> Result<Posting, PostingError> {
        let sum = lines
            .iter()
            .try_fold(0i64, |s, l| s.checked_add(l.amount))
            .ok_or(PostingError::Overflow)?;
        if sum != 0 {
            return Err(PostingError::Unbalanced(sum));
        }
        Ok(Posting {
            kind,
            lines: lines.into_iter().filter(|l| l.amount != 0).collect(),
        })
    }

    pub fn kind(&self) -> EntryKind {
        self.kind
    }

    pub fn lines(&self) -> &[Line] {
        &self.lines
    }

    /// Nothing to write (every line was zero).
    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }
}

/// A rate in basis points (1% = 100), 0 to 100%.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rate(u16);

impl Rate {
    pub const ZERO: Rate = Rate(0);

    pub fn from_basis_points(bp: i64) -> Option<Rate> {
        u16::try_from(bp).ok().filter(|b| *b <= 10_000).map(Rate)
    }

    pub fn basis_points(self) -> u16 {
        self.0
    }

    /// `amount × rate`, rounded half up to the dong (tax and fee amounts are whole dong).
    pub fn of(self, amount: i64) -> i64 {
        let amount = i128::from(amount.max(0));
        let share = (amount * i128::from(self.0) + 5_000) / 10_000;
        // At most `amount`: fits.
        i64::try_from(share).unwrap_or(i64::MAX)
    }
}

/// The rates in force (site settings `ledger_fee_bp`, `ledger_vat_bp`, `ledger_pit_bp`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rates {
    pub marketplace_fee: Rate,
    pub vat: Rate,
    pub pit: Rate,
}

impl Default for Rates {
    /// No fee; VAT 1% and PIT 0.5% of revenue, as Decree 117/2025 sets for household sellers.
    fn default() -> Self {
        Rates {
            marketplace_fee: Rate::ZERO,
            vat: Rate(100),
            pit: Rate(50),
        }
    }
}

/// The seller, as tax withholding sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SellerKind {
    /// A household business or individual: the platform withholds VAT and PIT.
    Household,
    /// A cooperative or enterprise declares its own taxes.
    Organisation,
}

impl SellerKind {
    /// From `producers.kind`.
    pub fn of_producer_kind(kind: &str) -> SellerKind {
        if kind == "household" {
            SellerKind::Household
        } else {
            SellerKind::Organisation
        }
    }
}

/// Who received the buyer's money.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Collector {
    Marketplace,
    Producer,
}

/// A paid order, as the ledger needs it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PaidOrder {
    /// The goods (revenue for tax and fee).
    pub subtotal: i64,
    /// The delivery fee the buyer paid.
    pub shipping: i64,
    pub collector: Collector,
    pub seller: SellerKind,
}

/// The tax withheld on `revenue` for a seller: (VAT, PIT); nothing for an organisation.
pub fn withholding(revenue: i64, seller: SellerKind, rates: &Rates) -> (i64, i64) {
    match seller {
        SellerKind::Household => (rates.vat.of(revenue), rates.pit.of(revenue)),
        SellerKind::Organisation => (0, 0),
    }
}

fn line(account: Account, amount: i64) -> Line {
    Line { account, amount }
}

/// The postings of an order's payment: the money in, the carrier's share, the fee and (only
/// where the marketplace holds the money) the taxes withheld. Empty postings are left out.
pub fn payment_postings(order: &PaidOrder, rates: &Rates) -> Result<Vec<Posting>, PostingError> {
    let total = order
        .subtotal
        .checked_add(order.shipping)
        .ok_or(PostingError::Overflow)?;
    let mut out = vec![];
    match order.collector {
        Collector::Marketplace => {
            out.push(Posting::new(
                EntryKind::Payment,
                vec![
                    line(Account::CashHeld, total),
                    line(Account::ProducerPayable, -total),
                ],
            )?);
        }
        Collector::Producer => {
            out.push(Posting::new(
                EntryKind::Payment,
                vec![
                    line(Account::CollectedByProducer, total),
                    line(Account::ProducerPayable, -total),
                ],
            )?);
            // The producer already has the money: nothing of it is owed by the marketplace.
            out.push(Posting::new(
                EntryKind::DirectSettlement,
                vec![
                    line(Account::ProducerPayable, total),
                    line(Account::CollectedByProducer, -total),
                ],
            )?);
        }
    }
    if order.collector == Collector::Marketplace {
        // The shipping fee is the carrier's, not the producer's.
        out.push(Posting::new(
            EntryKind::CarrierFee,
            vec![
                line(Account::ProducerPayable, order.shipping),
                line(Account::CarrierFees, -order.shipping),
            ],
        )?);
    }
    let fee = rates.marketplace_fee.of(order.subtotal);
    out.push(Posting::new(
        EntryKind::MarketplaceFee,
        vec![
            line(Account::ProducerPayable, fee),
            line(Account::MarketplaceFeeRevenue, -fee),
        ],
    )?);
    if order.collector == Collector::Marketplace {
        let (vat, pit) = withholding(order.subtotal, order.seller, rates);
        out.push(Posting::new(
            EntryKind::TaxWithheld,
            vec![
                line(Account::ProducerPayable, vat + pit),
                line(Account::TaxWithheldVat, -vat),
                line(Account::TaxWithheldPit, -pit),
            ],
        )?);
    }
    Ok(out.into_iter().filter(|p| !p.is_empty()).collect())
}

/// The refund of a whole order: every line the order has posted, undone, in one posting (so
/// the fee and taxes withheld on a sale that did not happen are given back too).
pub fn refund_posting(order_lines: &[Line]) -> Result<Posting, PostingError> {
    let mut net: std::collections::BTreeMap<Account, i64> = Default::default();
    for l in order_lines {
        let e = net.entry(l.account).or_default();
        *e = e.checked_add(l.amount).ok_or(PostingError::Overflow)?;
    }
    Posting::new(
        EntryKind::Refund,
        net.into_iter().map(|(a, n)| line(a, -n)).collect(),
    )
}

/// A payout to a producer: the marketplace pays what it owes out of the money it holds.
pub fn payout_posting(amount: i64) -> Result<Posting, PostingError> {
    Posting::new(
        EntryKind::Payout,
        vec![
            line(Account::ProducerPayable, amount),
            line(Account::CashHeld, -amount),
        ],
    )
}

/// Money received that matches no order: held until someone matches or returns it.
pub fn unmatched_credit_posting(amount: i64) -> Result<Posting, PostingError> {
    Posting::new(
        EntryKind::UnmatchedCredit,
        vec![
            line(Account::CashHeld, amount),
            line(Account::UnmatchedCredits, -amount),
        ],
    )
}

/// An unmatched credit matched by hand to an order: the held money becomes the order's
/// payment (followed by [`payment_postings`] without their cash line: see
/// [`matched_credit_postings`]).
pub fn matched_credit_postings(
    order: &PaidOrder,
    rates: &Rates,
) -> Result<Vec<Posting>, PostingError> {
    let total = order
        .subtotal
        .checked_add(order.shipping)
        .ok_or(PostingError::Overflow)?;
    let mut out = vec![Posting::new(
        EntryKind::CreditMatched,
        vec![
            line(Account::UnmatchedCredits, total),
            line(Account::ProducerPayable, -total),
        ],
    )?];
    let marketplace = PaidOrder {
        collector: Collector::Marketplace,
        ..*order
    };
    out.extend(
        payment_postings(&marketplace, rates)?
            .into_iter()
            .filter(|p| p.kind() != EntryKind::Payment),
    );
    Ok(out)
}

/// An unmatched credit sent back to whoever sent it.
pub fn credit_refund_posting(amount: i64) -> Result<Posting, PostingError> {
    Posting::new(
        EntryKind::CreditRefunded,
        vec![
            line(Account::UnmatchedCredits, amount),
            line(Account::CashHeld, -amount),
        ],
    )
}

/// What a producer is owed, from the sum of its `ProducerPayable` lines.
pub fn balance_owed(payable_sum: i64) -> i64 {
    -payable_sum
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn sum(p: &Posting) -> i64 {
        p.lines().iter().map(|l| l.amount).sum()
    }

    fn on(postings: &[Posting], account: Account) -> i64 {
        postings
            .iter()
            .flat_map(|p| p.lines())
            .filter(|l| l.account == account)
            .map(|l| l.amount)
            .sum()
    }

    #[test]
    fn an_unbalanced_posting_cannot_be_made() {
        assert_eq!(
            Posting::new(EntryKind::Payout, vec![line(Account::CashHeld, 5)]),
            Err(PostingError::Unbalanced(5))
        );
        assert!(Posting::new(EntryKind::Payout, vec![]).is_ok());
    }

    #[test]
    fn names_round_trip() {
        for a in Account::ALL {
            assert_eq!(Account::parse(a.as_str()), Some(a));
        }
        for k in EntryKind::ALL {
            assert_eq!(EntryKind::parse(k.as_str()), Some(k));
        }
        assert_eq!(Account::parse("cash"), None);
    }

    #[test]
    fn rates_round_half_up_to_the_dong() {
        let r = Rate::from_basis_points(50).unwrap();
        assert_eq!(r.of(1_000_000), 5_000);
        assert_eq!(r.of(199), 1); // 0.995 → 1
        assert_eq!(r.of(99), 0); // 0.495 → 0
        assert_eq!(Rate::from_basis_points(10_001), None);
        assert_eq!(Rate::from_basis_points(-1), None);
    }

    #[test]
    fn a_household_seller_paid_through_the_marketplace_has_vat_and_pit_withheld() {
        let order = PaidOrder {
            subtotal: 450_000,
            shipping: 30_000,
            collector: Collector::Marketplace,
            seller: SellerKind::Household,
        };
        let rates = Rates {
            marketplace_fee: Rate::from_basis_points(200).unwrap(),
            ..Rates::default()
        };
        let ps = payment_postings(&order, &rates).unwrap();
        assert!(ps.iter().all(|p| sum(p) == 0));
        assert_eq!(on(&ps, Account::CashHeld), 480_000);
        assert_eq!(on(&ps, Account::CarrierFees), -30_000);
        assert_eq!(on(&ps, Account::MarketplaceFeeRevenue), -9_000);
        assert_eq!(on(&ps, Account::TaxWithheldVat), -4_500);
        assert_eq!(on(&ps, Account::TaxWithheldPit), -2_250);
        // 450 000 − 9 000 − 4 500 − 2 250
        assert_eq!(balance_owed(on(&ps, Account::ProducerPayable)), 434_250);
    }

    #[test]
    fn an_organisation_and_money_the_producer_collected_have_nothing_withheld() {
        let coop = PaidOrder {
            subtotal: 450_000,
            shipping: 30_000,
            collector: Collector::Marketplace,
            seller: SellerKind::Organisation,
        };
        let ps = payment_postings(&coop, &Rates::default()).unwrap();
        assert_eq!(on(&ps, Account::TaxWithheldVat), 0);
        assert_eq!(balance_owed(on(&ps, Account::ProducerPayable)), 450_000);
        let cod = PaidOrder {
            collector: Collector::Producer,
            seller: SellerKind::Household,
            ..coop
        };
        let ps = payment_postings(&cod, &Rates::default()).unwrap();
        assert_eq!(on(&ps, Account::CashHeld), 0);
        assert_eq!(on(&ps, Account::TaxWithheldPit), 0);
        assert_eq!(balance_owed(on(&ps, Account::ProducerPayable)), 0);
    }

    #[test]
    fn a_refund_undoes_every_line_of_the_order() {
        let order = PaidOrder {
            subtotal: 200_000,
            shipping: 25_000,
            collector: Collector::Marketplace,
            seller: SellerKind::Household,
        };
        let mut ps = payment_postings(&order, &Rates::default()).unwrap();
        let lines: Vec<Line> = ps.iter().flat_map(|p| p.lines().to_vec()).collect();
        ps.push(refund_posting(&lines).unwrap());
        for a in Account::ALL {
            assert_eq!(on(&ps, a), 0, "{a:?}");
        }
    }

    #[test]
    fn a_credit_matched_by_hand_ends_as_a_payment_would() {
        let order = PaidOrder {
            subtotal: 200_000,
            shipping: 25_000,
            collector: Collector::Marketplace,
            seller: SellerKind::Household,
        };
        let direct = payment_postings(&order, &Rates::default()).unwrap();
        let mut by_hand = vec![unmatched_credit_posting(225_000).unwrap()];
        by_hand.extend(matched_credit_postings(&order, &Rates::default()).unwrap());
        for a in Account::ALL {
            assert_eq!(on(&direct, a), on(&by_hand, a), "{a:?}");
        }
    }

    #[derive(Clone, Debug)]
    enum Event {
        Pay {
            subtotal: i64,
            shipping: i64,
            household: bool,
            by_producer: bool,
        },
        Refund(usize),
        Payout(i64),
        Credit(i64),
        MatchCredit(usize),
        ReturnCredit(usize),
    }

    fn event() -> impl Strategy<Value = Event> {
        prop_oneof![
            (0i64..5_000_000, 0i64..100_000, any::<bool>(), any::<bool>()).prop_map(
                |(subtotal, shipping, household, by_producer)| Event::Pay {
                    subtotal,
                    shipping,
                    household,
                    by_producer
                }
            ),
            (0usize..20).prop_map(Event::Refund),
            (0i64..3_000_000).prop_map(Event::Payout),
            (1i64..1_000_000).prop_map(Event::Credit),
            (0usize..20).prop_map(Event::MatchCredit),
            (0usize..20).prop_map(Event::ReturnCredit),
        ]
    }

    proptest! {
        /// Whatever happens, every posting balances, and the money held equals what the
        /// marketplace was paid, minus what it refunded, minus what it paid out.
        #[test]
        fn ledger_totals_equal_payments_minus_refunds_minus_payouts(
            events in prop::collection::vec(event(), 0..60),
            fee_bp in 0i64..1_000,
        ) {
            let rates = Rates {
                marketplace_fee: Rate::from_basis_points(fee_bp).unwrap(),
                ..Rates::default()
            };
            let mut all: Vec<Posting> = vec![];
            // Paid orders not refunded yet, with their lines; credits not resolved yet.
            let mut orders: Vec<(Vec<Line>, i64, bool)> = vec![];
            let mut credits: Vec<i64> = vec![];
            let (mut paid, mut refunded, mut paid_out) = (0i64, 0i64, 0i64);
            for e in events {
                let new: Vec<Posting> = match e {
                    Event::Pay { subtotal, shipping, household, by_producer } => {
                        let order = PaidOrder {
                            subtotal,
                            shipping,
                            collector: if by_producer { Collector::Producer } else { Collector::Marketplace },
                            seller: if household { SellerKind::Household } else { SellerKind::Organisation },
                        };
                        let ps = payment_postings(&order, &rates).unwrap();
                        if !by_producer {
                            paid += subtotal + shipping;
                        }
                        orders.push((ps.iter().flat_map(|p| p.lines().to_vec()).collect(), subtotal + shipping, by_producer));
                        ps
                    }
                    Event::Refund(i) if !orders.is_empty() => {
                        let (lines, total, by_producer) = orders.remove(i % orders.len());
                        if !by_producer {
                            refunded += total;
                        }
                        vec![refund_posting(&lines).unwrap()]
                    }
                    Event::Payout(amount) => {
                        paid_out += amount;
                        vec![payout_posting(amount).unwrap()]
                    }
                    Event::Credit(amount) => {
                        credits.push(amount);
                        paid += amount;
                        vec![unmatched_credit_posting(amount).unwrap()]
                    }
                    Event::MatchCredit(i) if !credits.is_empty() => {
                        let amount = credits.remove(i % credits.len());
                        let order = PaidOrder {
                            subtotal: amount,
                            shipping: 0,
                            collector: Collector::Marketplace,
                            seller: SellerKind::Household,
                        };
                        let ps = matched_credit_postings(&order, &rates).unwrap();
                        let mut lines: Vec<Line> = vec![
                            line(Account::CashHeld, amount),
                            line(Account::UnmatchedCredits, -amount),
                        ];
                        lines.extend(ps.iter().flat_map(|p| p.lines().to_vec()));
                        orders.push((lines, amount, false));
                        ps
                    }
                    Event::ReturnCredit(i) if !credits.is_empty() => {
                        let amount = credits.remove(i % credits.len());
                        refunded += amount;
                        vec![credit_refund_posting(amount).unwrap()]
                    }
                    _ => vec![],
                };
                for p in &new {
                    prop_assert_eq!(sum(p), 0);
                }
                all.extend(new);
            }
            prop_assert_eq!(on(&all, Account::CashHeld), paid - refunded - paid_out);
            let total: i64 = Account::ALL.iter().map(|a| on(&all, *a)).sum();
            prop_assert_eq!(total, 0);
        }
    }
}
