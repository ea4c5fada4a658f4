//! EPCIS 2.0 (GS1) JSON-LD for a lot: the events auditors exchange. A harvest is an
//! `ObjectEvent` that commissions the lot, packing an `ObjectEvent` with business step
//! `packing`, and each order that shipped units of the lot an `ObjectEvent` with business step
//! `shipping` (disposition `in_transit`), the order as its business transaction (`po`). Lots of
//! products with a GTIN are identified by their GS1 Digital Link URI on id.gs1.org; others by
//! their page on this site.

use app::{
    diary::{gs1::Gtin, model::LotTrace},
    lot_sales::model::LotShipment,
};
use chrono::{DateTime, NaiveTime, Utc};
use serde_json::{Value, json};

const CONTEXT: &str = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld";

/// The class-level identifier of the lot (EPCIS `epcClass`).
pub fn lot_class(trace: &LotTrace, public_url: &str) -> String {
    match trace
        .product
        .as_ref()
        .and_then(|p| p.gtin.as_deref())
        .and_then(|g| Gtin::parse(g).ok())
    {
        Some(gtin) => format!(
            "https://id.gs1.org{}",
            app::diary::gs1::digital_link_path(&gtin, &trace.lot.code)
        ),
        None => format!("{public_url}{}", trace.path),
    }
}

pub fn document(
    trace: &LotTrace,
    shipments: &[LotShipment],
    public_url: &str,
    now: DateTime<Utc>,
) -> Value {
    let class = lot_class(trace, public_url);
    let plot = format!("{public_url}/lo/{}#vuon-{}", trace.lot.id, trace.plot.id);
    let mut events: Vec<Value> = trace
        .timeline
        .iter()
        .filter(|e| e.corrected_by_seq.is_none())
        .filter_map(|e| {
            let (action, biz_step, disposition) = match e.kind.as_str() {
                "harvest" => ("ADD", "commissioning", "active"),
                "packing" => ("OBSERVE", "packing", "in_progress"),
                _ => return None,
            };
            // The diary records days, in Vietnam time: the event is dated at the day's start.
            let time = e
                .occurred_on
                .and_time(NaiveTime::MIN)
                .and_local_timezone(app::domain::time::vietnam_offset())
                .single()?;
            let mut quantity = json!({ "epcClass": class });
            if let Some(kg) = e.quantity_kg.or(trace.lot.quantity_kg) {
                quantity["quantity"] = json!(kg);
                quantity["uom"] = json!("KGM");
            }
            Some(json!({
                "type": "ObjectEvent",
                // A stable, unique id per diary entry (its hash in the plot's chain).
                "eventID": format!("{public_url}/api/v1/lots/{}/epcis#e{}", trace.lot.id, e.seq),
                "eventTime": time.to_rfc3339(),
                "eventTimeZoneOffset": "+07:00",
                "action": action,
                "bizStep": biz_step,
                "disposition": disposition,
                "epcList": [],
                "quantityList": [quantity],
                "readPoint": { "id": plot },
                "bizLocation": { "id": plot },
            }))
        })
        .collect();
    events.extend(
        shipments
            .iter()
            .filter_map(|s| shipping_event(trace, s, &class, public_url)),
    );
    json!({
        "@context": [CONTEXT],
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": now.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        "epcisBody": { "eventList": events },
    })
}

/// Units of the lot leaving in an order: observed on their way to the buyer, the order (its
/// page on this site) as the purchase order they travel under. `None` for a stored time that
/// does not parse.
fn shipping_event(
    trace: &LotTrace,
    shipment: &LotShipment,
    class: &str,
    public_url: &str,
) -> Option<Value> {
    let time = DateTime::parse_from_rfc3339(&shipment.shipped_at)
        .ok()?
        .with_timezone(&app::domain::time::vietnam_offset());
    Some(json!({
        "type": "ObjectEvent",
        "eventID": format!(
            "{public_url}/api/v1/lots/{}/epcis#ship-{}",
            trace.lot.id, shipment.order_no
        ),
        "eventTime": time.to_rfc3339(),
        "eventTimeZoneOffset": "+07:00",
        "action": "OBSERVE",
        "bizStep": "shipping",
        "disposition": "in_transit",
        "epcList": [],
        // Units of the product variant the lot is sold as (no unit of measure: a count).
        "quantityList": [{ "epcClass": class, "quantity": shipment.quantity }],
        "readPoint": { "id": format!("{public_url}/nha-san-xuat/{}", trace.producer.slug) },
        "bizTransactionList": [{
            "type": "po",
            "bizTransaction": format!("{public_url}/don-hang/{}", shipment.order_no),
        }],
    }))
}
