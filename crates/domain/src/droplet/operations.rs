//! What each droplet event says about operations (api.md §9): creation and deletion
//! are long-running (started by the request, ended by the provisioner); DO actions
//! complete within their command. The Operation read model copies these facts.

use uuid::Uuid;

use super::event::DropletEvent;
use crate::operation::{OperationChange, OperationFact, immediate};

pub(super) fn facts(event: &DropletEvent, id: Uuid, principal: &str) -> Vec<OperationFact> {
    use DropletEvent as E;
    let at = event.at();
    let fact = |operation_id: Uuid, change| {
        vec![OperationFact {
            operation_id,
            at,
            change,
        }]
    };
    let started = |op_type: &str| OperationChange::Started {
        op_type: op_type.to_owned(),
        target_kind: "droplet",
        target_id: id,
        requested_by: principal.to_owned(),
        steps_total: 2,
    };
    let now = |op: &Option<Uuid>, op_type: &str| match op {
        Some(op) => immediate(*op, op_type, "droplet", id, principal, at),
        None => Vec::new(),
    };
    match event {
        E::CreationRequested(c) => c
            .operation_id
            .map_or_else(Vec::new, |op| fact(op, started("droplet.create"))),
        E::Provisioned {
            operation_id: Some(op),
            ..
        }
        | E::Deleted {
            operation_id: Some(op),
            ..
        } => fact(*op, OperationChange::Succeeded),
        E::ProvisioningFailed {
            operation_id: Some(op),
            reason,
            ..
        } => fact(
            *op,
            OperationChange::Failed {
                code: "PROVISIONING_FAILED".into(),
                detail: reason.clone(),
            },
        ),
        E::PoweredOff { operation_id, .. } => now(operation_id, "droplet.power_off"),
        E::ShutDown { operation_id, .. } => now(operation_id, "droplet.shutdown"),
        E::PoweredOn { operation_id, .. } => now(operation_id, "droplet.power_on"),
        E::Rebooted { operation_id, .. } => now(operation_id, "droplet.reboot"),
        E::PowerCycled { operation_id, .. } => now(operation_id, "droplet.power_cycle"),
        E::Renamed { operation_id, .. } => now(operation_id, "droplet.rename"),
        E::Resized { operation_id, .. } => now(operation_id, "droplet.resize"),
        E::Rebuilt { operation_id, .. } => now(operation_id, "droplet.rebuild"),
        E::SnapshotTaken { operation_id, .. } => now(operation_id, "droplet.snapshot"),
        E::Migrated { operation_id, .. } => now(operation_id, "droplet.migrate"),
        E::DeletionRequested {
            operation_id,
            superseded,
            ..
        } => {
            let mut facts = Vec::new();
            if let Some(old) = superseded {
                facts.extend(fact(
                    *old,
                    OperationChange::Cancelled {
                        reason: "SUPERSEDED".into(),
                    },
                ));
            }
            if let Some(op) = operation_id {
                facts.extend(fact(*op, started("droplet.delete")));
            }
            facts
        }
        E::CancelRequested { operation_id, .. } => {
            fact(*operation_id, OperationChange::CancelRequested)
        }
        E::CreationCancelled { operation_id, .. } => fact(
            *operation_id,
            OperationChange::Cancelled {
                reason: "cancelled on request".into(),
            },
        ),
        _ => Vec::new(),
    }
}
