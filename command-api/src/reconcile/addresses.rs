//! Private IPv4 addresses for droplets, unique without coordination: each (region,
//! partition) pair owns a /20 — `10.<region>.<partition << 4 | n >> 8>.<n & 255>` — and
//! hands out `n` in order. A partition's book is rebuilt from the droplets of its write
//! model whenever the partition is (re)assigned, so an address is never handed out
//! twice. Supports up to 16 partitions.

use std::collections::HashMap;
use std::net::Ipv4Addr;

/// Host numbers per (region, partition): a /20 minus the zero host.
const HOSTS: u32 = 4095;
pub const MAX_PARTITIONS: i32 = 16;

#[derive(Debug, Clone)]
pub struct AddressBook {
    partition: u8,
    next: HashMap<u8, u32>,
}

impl AddressBook {
    pub fn new(partition: i32) -> Self {
        Self {
            partition: u8::try_from(partition).unwrap_or(0) & 0x0f,
            next: HashMap::new(),
        }
    }

    /// Advances past an address already in use.
    pub fn observe(&mut self, ipv4: Ipv4Addr) {
        let [_, region, high, low] = ipv4.octets();
        let host = (u32::from(high & 0x0f) << 8) | u32::from(low);
        let next = self.next.entry(region).or_insert(1);
        *next = (*next).max(host + 1);
    }

    /// The next free address of `region_index`, or `None` when the block is used up.
    pub fn allocate(&mut self, region_index: u8) -> Option<Ipv4Addr> {
        let next = self.next.entry(region_index).or_insert(1);
        if *next > HOSTS {
            return None;
        }
        let host = *next;
        *next += 1;
        let high = (self.partition << 4) | u8::try_from(host >> 8).unwrap_or(0);
        Some(Ipv4Addr::new(10, region_index, high, (host & 0xff) as u8))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_unique_and_survive_a_rebuild() {
        let mut book = AddressBook::new(3);
        let first = book.allocate(1).expect("free");
        let second = book.allocate(1).expect("free");
        assert_eq!(
            (first, second),
            (Ipv4Addr::new(10, 1, 48, 1), Ipv4Addr::new(10, 1, 48, 2))
        );
        let mut rebuilt = AddressBook::new(3);
        rebuilt.observe(second);
        assert_eq!(rebuilt.allocate(1), Some(Ipv4Addr::new(10, 1, 48, 3)));
    }

    #[test]
    fn partitions_do_not_overlap() {
        let a = AddressBook::new(0).allocate(2).expect("free");
        let b = AddressBook::new(1).allocate(2).expect("free");
        assert_ne!(a, b);
    }
}
