//! The offered regions, sizes and images, and the lookups that validate a request
//! against them. Static data for now; it must never be consulted inside `evolve`,
//! because events carry the facts (vcpus, memory, disk) they were decided with.

/// A region droplets can be placed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Region {
    pub slug: &'static str,
    pub name: &'static str,
    /// Index used to carve the region's private address space.
    pub index: u8,
}

/// A droplet size with its resources and monthly price in micro-USD.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Size {
    pub slug: &'static str,
    pub vcpus: u32,
    pub memory_mb: u32,
    pub disk_gb: u32,
    /// Outbound transfer included per month.
    pub transfer_tb: u32,
    pub price_monthly_micro: u64,
    /// Region slugs the size is offered in; empty means every region.
    pub regions: &'static [&'static str],
    pub description: &'static str,
}

/// A bootable image.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Image {
    pub slug: &'static str,
    pub distribution: &'static str,
    pub name: &'static str,
}

const fn region(slug: &'static str, name: &'static str, index: u8) -> Region {
    Region { slug, name, index }
}

/// DigitalOcean's public regions (the original offered eleven).
pub const REGIONS: &[Region] = &[
    region("nyc1", "New York 1", 1),
    region("sfo3", "San Francisco 3", 2),
    region("ams3", "Amsterdam 3", 3),
    region("fra1", "Frankfurt 1", 4),
    region("lon1", "London 1", 5),
    region("sgp1", "Singapore 1", 6),
    region("nyc3", "New York 3", 7),
    region("tor1", "Toronto 1", 8),
    region("blr1", "Bangalore 1", 9),
    region("syd1", "Sydney 1", 10),
    region("sfo2", "San Francisco 2", 11),
];

const LARGE_SIZE_REGIONS: &[&str] = &["nyc1", "sfo3", "fra1", "ams3", "lon1"];

const fn size(
    slug: &'static str,
    (vcpus, memory_mb, disk_gb, transfer_tb): (u32, u32, u32, u32),
    price_monthly_micro: u64,
    regions: &'static [&'static str],
    description: &'static str,
) -> Size {
    Size {
        slug,
        vcpus,
        memory_mb,
        disk_gb,
        transfer_tb,
        price_monthly_micro,
        regions,
        description,
    }
}

pub const SIZES: &[Size] = &[
    size("s-1vcpu-1gb", (1, 1024, 25, 1), 6_000_000, &[], "Basic"),
    size("s-1vcpu-2gb", (1, 2048, 50, 2), 12_000_000, &[], "Basic"),
    size("s-2vcpu-2gb", (2, 2048, 60, 3), 18_000_000, &[], "Basic"),
    size("s-2vcpu-4gb", (2, 4096, 80, 4), 24_000_000, &[], "Basic"),
    size("s-4vcpu-8gb", (4, 8192, 160, 5), 48_000_000, &[], "Basic"),
    size(
        "c-8vcpu-16gb",
        (8, 16384, 200, 6),
        168_000_000,
        LARGE_SIZE_REGIONS,
        "CPU-Optimized",
    ),
];

/// A size's monthly price from an instant on (api.md §10: prices are versioned by
/// `effective_from`, so old invoices stay reproducible). A size's `price_monthly_micro`
/// above is its earliest version, in effect since forever; `billing::prices` reads both.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PriceChange {
    pub slug: &'static str,
    /// Seconds since the Unix epoch, UTC (a `const` cannot build a `DateTime`).
    pub effective_from_unix: i64,
    pub price_monthly_micro: u64,
}

/// Every price change ever published, oldest first per size. Only ever appended to.
pub const PRICE_CHANGES: &[PriceChange] = &[
    // 2026-11-16T00:00:00Z: the CPU-optimized size goes from $168 to $192 a month.
    PriceChange {
        slug: "c-8vcpu-16gb",
        effective_from_unix: 1_794_787_200,
        price_monthly_micro: 192_000_000,
    },
];

const fn image(slug: &'static str, distribution: &'static str, name: &'static str) -> Image {
    Image {
        slug,
        distribution,
        name,
    }
}

pub const IMAGES: &[Image] = &[
    image("ubuntu-24-04-x64", "Ubuntu", "24.04 (LTS) x64"),
    image("ubuntu-22-04-x64", "Ubuntu", "22.04 (LTS) x64"),
    image("debian-12-x64", "Debian", "12 x64"),
    image("fedora-40-x64", "Fedora", "40 x64"),
    image("centos-stream-9-x64", "CentOS", "Stream 9 x64"),
    image("rockylinux-9-x64", "Rocky Linux", "9 x64"),
];

pub fn find_region(slug: &str) -> Option<&'static Region> {
    REGIONS.iter().find(|r| r.slug == slug)
}

pub fn find_size(slug: &str) -> Option<&'static Size> {
    SIZES.iter().find(|s| s.slug == slug)
}

pub fn find_image(slug: &str) -> Option<&'static Image> {
    IMAGES.iter().find(|i| i.slug == slug)
}

/// Monthly price to hourly (api.md §10: `price_hourly = price_monthly / 672`), in
/// micro-USD rounded half up.
pub fn hourly_micro(monthly_micro: u64) -> u64 {
    (monthly_micro + 336) / 672
}

impl Size {
    /// Whether this size can be placed in `region`.
    pub fn offered_in(&self, region: &str) -> bool {
        self.regions.is_empty() || self.regions.contains(&region)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn large_sizes_are_offered_only_in_their_regions() {
        let large = find_size("c-8vcpu-16gb").expect("size exists");
        assert!(large.offered_in("nyc1"));
        assert!(!large.offered_in("sgp1"));
        assert!(
            find_size("s-1vcpu-1gb")
                .expect("size exists")
                .offered_in("sgp1")
        );
        assert_eq!(hourly_micro(6_000_000), 8_929);
    }

    #[test]
    fn unknown_slugs_are_not_found() {
        assert!(find_region("mars1").is_none());
        assert!(find_size("s-9vcpu-64gb").is_none());
        assert!(find_image("windows-95").is_none());
    }
}
