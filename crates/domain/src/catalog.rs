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
    pub price_monthly_micro: u64,
    /// Region slugs the size is offered in; empty means every region.
    pub regions: &'static [&'static str],
}

/// A bootable image.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Image {
    pub slug: &'static str,
    pub distribution: &'static str,
}

pub const REGIONS: &[Region] = &[
    Region {
        slug: "nyc1",
        name: "New York 1",
        index: 1,
    },
    Region {
        slug: "sfo3",
        name: "San Francisco 3",
        index: 2,
    },
    Region {
        slug: "ams3",
        name: "Amsterdam 3",
        index: 3,
    },
    Region {
        slug: "fra1",
        name: "Frankfurt 1",
        index: 4,
    },
    Region {
        slug: "lon1",
        name: "London 1",
        index: 5,
    },
    Region {
        slug: "sgp1",
        name: "Singapore 1",
        index: 6,
    },
];

const LARGE_SIZE_REGIONS: &[&str] = &["nyc1", "sfo3", "fra1"];

pub const SIZES: &[Size] = &[
    Size {
        slug: "s-1vcpu-1gb",
        vcpus: 1,
        memory_mb: 1024,
        disk_gb: 25,
        price_monthly_micro: 6_000_000,
        regions: &[],
    },
    Size {
        slug: "s-1vcpu-2gb",
        vcpus: 1,
        memory_mb: 2048,
        disk_gb: 50,
        price_monthly_micro: 12_000_000,
        regions: &[],
    },
    Size {
        slug: "s-2vcpu-2gb",
        vcpus: 2,
        memory_mb: 2048,
        disk_gb: 60,
        price_monthly_micro: 18_000_000,
        regions: &[],
    },
    Size {
        slug: "s-2vcpu-4gb",
        vcpus: 2,
        memory_mb: 4096,
        disk_gb: 80,
        price_monthly_micro: 24_000_000,
        regions: &[],
    },
    Size {
        slug: "s-4vcpu-8gb",
        vcpus: 4,
        memory_mb: 8192,
        disk_gb: 160,
        price_monthly_micro: 48_000_000,
        regions: &[],
    },
    Size {
        slug: "c-8vcpu-16gb",
        vcpus: 8,
        memory_mb: 16384,
        disk_gb: 200,
        price_monthly_micro: 168_000_000,
        regions: LARGE_SIZE_REGIONS,
    },
];

pub const IMAGES: &[Image] = &[
    Image {
        slug: "ubuntu-24-04-x64",
        distribution: "Ubuntu",
    },
    Image {
        slug: "ubuntu-22-04-x64",
        distribution: "Ubuntu",
    },
    Image {
        slug: "debian-12-x64",
        distribution: "Debian",
    },
    Image {
        slug: "fedora-40-x64",
        distribution: "Fedora",
    },
];

pub fn region(slug: &str) -> Option<&'static Region> {
    REGIONS.iter().find(|r| r.slug == slug)
}

pub fn size(slug: &str) -> Option<&'static Size> {
    SIZES.iter().find(|s| s.slug == slug)
}

pub fn image(slug: &str) -> Option<&'static Image> {
    IMAGES.iter().find(|i| i.slug == slug)
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
        let large = size("c-8vcpu-16gb").expect("size exists");
        assert!(large.offered_in("nyc1"));
        assert!(!large.offered_in("sgp1"));
        assert!(size("s-1vcpu-1gb").expect("size exists").offered_in("sgp1"));
    }

    #[test]
    fn unknown_slugs_are_not_found() {
        assert!(region("mars1").is_none());
        assert!(size("s-9vcpu-64gb").is_none());
        assert!(image("windows-95").is_none());
    }
}
