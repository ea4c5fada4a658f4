//! EPCIS 2.0 (GS1) JSON-LD for a lot: the events auditors exchange. A harvest is an
//! `ObjectEvent` that commissions the lot, packing an `ObjectEvent` with business step
//! `packing`. Lots of products with a GTIN are identified by their GS1 Digital Link URI on
//! id.gs1.org; others by their page on this site.

use app::diary::{gs1::Gtin, model::LotTrace};
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

pub fn document(trace: &LotTrace, public_url: &str, now: DateTime<Utc>) -> Value {
    let class = lot_class(trace, public_url);
    let plot = format!("{public_url}/lo/{}#vuon-{}", trace.lot.id, trace.plot.id);
    let events: Vec<Value> = trace
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
    json!({
        "@context": [CONTEXT],
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": now.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        "epcisBody": { "eventList": events },
    })
}
