//! Matching names that refer to the same thing across tables and the narrative: a project listed as
//! `新生路政务中心（大数据中心区域）租赁` in 表10 and `新生路政务中心(大数据中心区域)办公用房租赁项目` in the
//! narrative, or a 科目 named with an outdated class name.

use crate::normalize::cells::fold_cow;

/// Words a project name may carry or drop without naming another project.
const PROJECT_SUFFIXES: &[&str] = &["项目", "经费", "资金", "专项"];

/// A project name reduced for comparison: folded (no spaces, ASCII brackets), trailing generic words
/// (`项目`, `经费`) removed.
pub fn project_key(name: &str) -> String {
    reduced(&fold_cow(name)).to_owned()
}

/// A folded name without its trailing generic words: [`project_key`] as a slice of the folded name,
/// so that comparing two names allocates nothing when neither needs folding (names are compared
/// pairwise across lists, thousands of times per document).
fn reduced(folded: &str) -> &str {
    let mut key = folded;
    loop {
        let before = key.len();
        for s in PROJECT_SUFFIXES {
            if let Some(k) = key.strip_suffix(s)
                && !k.is_empty()
            {
                key = k;
            }
        }
        if key.len() == before {
            return key;
        }
    }
}

/// True when two project names are the same once reduced.
pub fn same_project(a: &str, b: &str) -> bool {
    reduced(&fold_cow(a)) == reduced(&fold_cow(b))
}

/// A similarity in 0..=1 between two names: the share of characters of the shorter reduced name that
/// appear, in order, in the longer one (a longest common subsequence over the shorter length).
/// Catches `产业促进经费` / `产业促进项目` (1.0 after reduction) and `…租赁` / `…办公用房租赁` (1.0).
pub fn similarity(a: &str, b: &str) -> f64 {
    let (fa, fb) = (fold_cow(a), fold_cow(b));
    let a: Vec<char> = reduced(&fa).chars().collect();
    let b: Vec<char> = reduced(&fb).chars().collect();
    let (short, long) = if a.len() <= b.len() {
        (&a, &b)
    } else {
        (&b, &a)
    };
    if short.is_empty() {
        return 0.0;
    }
    let mut prev = vec![0usize; long.len() + 1];
    for &c in short.iter() {
        let mut cur = vec![0usize; long.len() + 1];
        for (j, &d) in long.iter().enumerate() {
            cur[j + 1] = if c == d {
                prev[j] + 1
            } else {
                cur[j].max(prev[j + 1])
            };
        }
        prev = cur;
    }
    prev[long.len()] as f64 / short.len() as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn project_names() {
        assert!(same_project("产业促进经费", "产业促进项目"));
        assert!(same_project(
            "网络建设运转维护经费",
            "网络建设运转维护经费项目"
        ));
        assert!(!same_project("国密改造项目", "产业促进项目"));
        assert_eq!(
            similarity(
                "新生路政务中心（大数据中心区域）租赁",
                "新生路政务中心(大数据中心区域)办公用房租赁项目"
            ),
            1.0
        );
        assert!(similarity("国密改造项目", "网络建设运转维护经费") < 0.5);
        assert_eq!(similarity("", "x"), 0.0);
    }

    /// The key as it was built before [`reduced`]: folded, then suffixes cut off owned copies.
    fn reference_key(name: &str) -> String {
        let mut key = crate::normalize::cells::fold(name);
        loop {
            let before = key.len();
            for s in PROJECT_SUFFIXES {
                if let Some(k) = key.strip_suffix(s)
                    && !k.is_empty()
                {
                    key = k.to_owned();
                }
            }
            if key.len() == before {
                return key;
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn keys_as_the_reference(a in "[项目经费资金专 （）()“” 某局a]{0,12}", b in "[项目经费资金专 （）()某局a]{0,12}") {
            proptest::prop_assert_eq!(project_key(&a), reference_key(&a));
            proptest::prop_assert_eq!(same_project(&a, &b), reference_key(&a) == reference_key(&b));
        }
    }
}
