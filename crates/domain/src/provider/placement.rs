//! Placement (features.md §2.8): which provider a droplet goes to. The preferred provider
//! if it serves the region and class and has room; otherwise the one with the most free
//! capacity among those that serve them, leaving out the avoided ones; ties go to the
//! first name. Pure: it ranks what it is given and reserves nothing — the caller reserves
//! through the chosen `Provider` aggregate and comes back with that one avoided if the
//! reserve lost a race.

/// What placement knows of one provider.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub name: String,
    pub regions: Vec<String>,
    pub classes: Vec<String>,
    pub available: u32,
}

/// What the droplet asks for.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Criteria {
    pub region: Option<String>,
    pub class: Option<String>,
    pub preferred: Option<String>,
    /// Providers never to choose (the caller's `avoid`, and any that refused a reserve).
    pub avoid: Vec<String>,
}

/// The chosen provider and why, in the order the rules were applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    pub provider: String,
    pub reasons: Vec<String>,
}

/// No provider can take the droplet; `reasons` says what was ruled out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoRoom {
    pub reasons: Vec<String>,
}

/// Chooses a provider among `candidates` for `criteria`.
pub fn place(candidates: &[Candidate], criteria: &Criteria) -> Result<Choice, NoRoom> {
    let mut reasons = Vec::new();
    if let Some(preferred) = &criteria.preferred {
        match candidates.iter().find(|c| &c.name == preferred) {
            Some(c) if criteria.avoid.contains(&c.name) => {
                reasons.push(format!("preferred provider {preferred} is avoided"));
            }
            Some(c) => match unfit(c, criteria) {
                None => {
                    reasons.push(format!(
                        "preferred provider {preferred} serves the request and has {} free slots",
                        c.available
                    ));
                    return Ok(Choice {
                        provider: c.name.clone(),
                        reasons,
                    });
                }
                Some(why) => reasons.push(format!("preferred provider {preferred} {why}")),
            },
            None => reasons.push(format!("preferred provider {preferred} does not exist")),
        }
    }
    let mut eligible: Vec<&Candidate> = candidates
        .iter()
        .filter(|c| !criteria.avoid.contains(&c.name) && unfit(c, criteria).is_none())
        .collect();
    eligible.sort_by(|a, b| b.available.cmp(&a.available).then(a.name.cmp(&b.name)));
    let Some(best) = eligible.first() else {
        reasons.push(no_room_reason(criteria));
        return Err(NoRoom { reasons });
    };
    let tied = eligible
        .iter()
        .filter(|c| c.available == best.available)
        .count();
    let mut reason = format!("{} has the most free slots ({})", best.name, best.available);
    if tied > 1 {
        reason.push_str(&format!(", tied with {} others; first by name", tied - 1));
    }
    reasons.push(filters_reason(criteria));
    reasons.push(reason);
    Ok(Choice {
        provider: best.name.clone(),
        reasons,
    })
}

/// Why `candidate` cannot take the droplet, if it cannot.
fn unfit(candidate: &Candidate, criteria: &Criteria) -> Option<String> {
    if let Some(region) = criteria
        .region
        .as_ref()
        .filter(|r| !candidate.regions.contains(r))
    {
        return Some(format!("does not serve region {region}"));
    }
    if let Some(class) = criteria
        .class
        .as_ref()
        .filter(|c| !candidate.classes.contains(c))
    {
        return Some(format!("does not offer class {class}"));
    }
    (candidate.available == 0).then(|| "has no free slots".to_owned())
}

fn filters_reason(criteria: &Criteria) -> String {
    let mut filters = Vec::new();
    if let Some(region) = &criteria.region {
        filters.push(format!("region {region}"));
    }
    if let Some(class) = &criteria.class {
        filters.push(format!("class {class}"));
    }
    if !criteria.avoid.is_empty() {
        filters.push(format!("avoiding {}", criteria.avoid.join(", ")));
    }
    if filters.is_empty() {
        "every provider with free slots considered".to_owned()
    } else {
        format!("filtered by {}", filters.join(", "))
    }
}

fn no_room_reason(criteria: &Criteria) -> String {
    format!(
        "no provider has free slots ({})",
        filters_reason(criteria).replace("every provider with free slots considered", "no filter")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn candidate(name: &str, regions: &[&str], classes: &[&str], available: u32) -> Candidate {
        Candidate {
            name: name.into(),
            regions: regions.iter().map(|r| (*r).to_owned()).collect(),
            classes: classes.iter().map(|c| (*c).to_owned()).collect(),
            available,
        }
    }

    fn fleet() -> Vec<Candidate> {
        vec![
            candidate("alpha", &["nyc1"], &["standard"], 3),
            candidate("bravo", &["nyc1", "sfo3"], &["standard", "gpu"], 5),
            candidate("charlie", &["sfo3"], &["standard"], 5),
            candidate("delta", &["nyc1"], &["gpu"], 0),
        ]
    }

    fn criteria(region: Option<&str>, class: Option<&str>) -> Criteria {
        Criteria {
            region: region.map(str::to_owned),
            class: class.map(str::to_owned),
            ..Criteria::default()
        }
    }

    fn chosen(criteria: &Criteria) -> String {
        place(&fleet(), criteria).expect("placed").provider
    }

    #[test]
    fn the_preferred_provider_wins_when_it_fits_and_has_room() {
        let mut c = criteria(Some("nyc1"), None);
        c.preferred = Some("alpha".into());
        let choice = place(&fleet(), &c).expect("placed");
        assert_eq!(choice.provider, "alpha");
        assert!(choice.reasons[0].contains("preferred provider alpha"));
    }

    #[test]
    fn a_preferred_provider_without_room_or_fit_falls_back_with_a_reason() {
        let mut c = criteria(Some("nyc1"), Some("gpu"));
        c.preferred = Some("delta".into());
        let choice = place(&fleet(), &c).expect("placed");
        assert_eq!(choice.provider, "bravo");
        assert!(choice.reasons[0].contains("has no free slots"));
        let mut c = criteria(Some("sfo3"), None);
        c.preferred = Some("alpha".into());
        let choice = place(&fleet(), &c).expect("placed");
        assert!(choice.reasons[0].contains("does not serve region sfo3"));
        assert_eq!(choice.provider, "bravo");
    }

    #[test]
    fn otherwise_the_most_free_capacity_wins_and_ties_go_by_name() {
        assert_eq!(chosen(&criteria(None, None)), "bravo");
        assert_eq!(chosen(&criteria(Some("sfo3"), None)), "bravo");
        assert_eq!(chosen(&criteria(Some("nyc1"), Some("standard"))), "bravo");
        let choice = place(&fleet(), &criteria(None, Some("standard"))).expect("placed");
        assert!(choice.reasons.last().expect("reason").contains("tied"));
    }

    #[test]
    fn avoided_providers_are_never_chosen() {
        let mut c = criteria(Some("sfo3"), None);
        c.avoid = vec!["bravo".into()];
        assert_eq!(chosen(&c), "charlie");
        c.preferred = Some("bravo".into());
        assert_eq!(chosen(&c), "charlie");
    }

    #[test]
    fn region_and_class_filter_and_nothing_left_is_no_room() {
        assert_eq!(chosen(&criteria(Some("nyc1"), Some("gpu"))), "bravo");
        let none = place(&fleet(), &criteria(Some("ams3"), None)).expect_err("no room");
        assert!(none.reasons[0].contains("region ams3"));
        let mut c = criteria(Some("nyc1"), Some("gpu"));
        c.avoid = vec!["bravo".into()];
        assert!(place(&fleet(), &c).is_err());
        assert!(place(&[], &Criteria::default()).is_err());
    }
}
