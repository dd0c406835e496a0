//! Running independent jobs on a bounded number of threads.

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

/// `f` applied to every item, on at most `jobs` threads at once; results in
/// the order of `items`. The threads are scoped: `f` may borrow.
pub(crate) fn map<T: Sync, R: Send>(
    items: &[T],
    jobs: usize,
    f: impl Fn(&T) -> R + Sync,
) -> Vec<R> {
    let threads = jobs.max(1).min(items.len());
    if threads <= 1 {
        return items.iter().map(f).collect();
    }
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<R>>> = Mutex::new((0..items.len()).map(|_| None).collect());
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(item) = items.get(i) else {
                        break;
                    };
                    let result = f(item);
                    results
                        .lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner)[i] = Some(result);
                }
            });
        }
    });
    results
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .into_iter()
        .map(|r| r.expect("every item was processed"))
        .collect()
}

/// Like [`map`], but items with the same key (`Some`) run one after the
/// other, in their order, on one thread: for work that must not overlap
/// (two fetches of one git repository share its cache).
pub(crate) fn map_grouped<T: Sync, R: Send>(
    items: &[T],
    jobs: usize,
    key: impl for<'t> Fn(&'t T) -> Option<&'t str>,
    f: impl Fn(&T) -> R + Sync,
) -> Vec<R> {
    let mut groups: Vec<Vec<usize>> = Vec::new();
    let mut by_key: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for (i, item) in items.iter().enumerate() {
        match key(item) {
            Some(k) => match by_key.get(k) {
                Some(&g) => groups[g].push(i),
                None => {
                    by_key.insert(k, groups.len());
                    groups.push(vec![i]);
                }
            },
            None => groups.push(vec![i]),
        }
    }
    let results = map(&groups, jobs, |group| {
        group.iter().map(|&i| (i, f(&items[i]))).collect::<Vec<_>>()
    });
    let mut ordered: Vec<Option<R>> = (0..items.len()).map(|_| None).collect();
    for (i, result) in results.into_iter().flatten() {
        ordered[i] = Some(result);
    }
    ordered
        .into_iter()
        .map(|r| r.expect("every item was processed"))
        .collect()
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    use super::map;

    #[test]
    fn results_keep_the_order_of_the_items() {
        let items: Vec<u64> = (0..50).collect();
        let out = map(&items, 7, |&i| {
            std::thread::sleep(Duration::from_micros((50 - i) * 20));
            i * 2
        });
        assert_eq!(out, items.iter().map(|i| i * 2).collect::<Vec<_>>());
    }

    #[test]
    fn no_more_than_the_bound_run_at_once() {
        let running = AtomicUsize::new(0);
        let peak = AtomicUsize::new(0);
        let items = vec![(); 40];
        map(&items, 4, |()| {
            let now = running.fetch_add(1, Ordering::SeqCst) + 1;
            peak.fetch_max(now, Ordering::SeqCst);
            std::thread::sleep(Duration::from_millis(2));
            running.fetch_sub(1, Ordering::SeqCst);
        });
        let peak = peak.load(Ordering::SeqCst);
        assert!((2..=4).contains(&peak), "peak {peak}");
    }

    #[test]
    fn items_of_one_group_never_overlap_and_keep_their_order() {
        use std::sync::Mutex;
        let items: Vec<(Option<&str>, usize)> = (0..30)
            .map(|i| (if i % 3 == 0 { Some("repo") } else { None }, i))
            .collect();
        let running_in_group = AtomicUsize::new(0);
        let order = Mutex::new(Vec::new());
        let out = super::map_grouped(
            &items,
            8,
            |(k, _)| *k,
            |(k, i)| {
                if k.is_some() {
                    assert_eq!(running_in_group.fetch_add(1, Ordering::SeqCst), 0);
                    order.lock().unwrap().push(*i);
                    std::thread::sleep(Duration::from_millis(1));
                    running_in_group.fetch_sub(1, Ordering::SeqCst);
                }
                i * 10
            },
        );
        assert_eq!(out, (0..30).map(|i| i * 10).collect::<Vec<_>>());
        assert_eq!(
            *order.lock().unwrap(),
            (0..30).step_by(3).collect::<Vec<_>>()
        );
    }

    #[test]
    fn zero_or_one_job_runs_in_the_caller_s_thread() {
        let caller = std::thread::current().id();
        assert!(
            map(&[1, 2, 3], 0, |_| std::thread::current().id() == caller)
                .iter()
                .all(|&b| b)
        );
        assert!(
            map(&[1, 2, 3], 1, |_| std::thread::current().id() == caller)
                .iter()
                .all(|&b| b)
        );
    }
}
