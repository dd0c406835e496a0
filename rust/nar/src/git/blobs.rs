//! Reading blobs ahead of the encoder, on several threads, in order.
//!
//! Decompressing and resolving deltas costs more than hashing, so worker
//! threads load blobs while the caller's thread encodes and hashes them.
//! Workers take blobs in order and hand them over in order; the memory
//! held by loaded blobs that wait for their turn is bounded.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::sync::{Condvar, Mutex, PoisonError};

use gix::ObjectId;

use super::Error;

/// Bytes of loaded blobs allowed to wait for the encoder (one larger blob is
/// always allowed, or it could never be handed over).
const BUDGET: usize = 64 * 1024 * 1024;
/// Below this many blobs, threads cost more than they save.
const PARALLEL_FROM: usize = 32;
/// At most this many loading threads.
const MAX_WORKERS: usize = 4;

/// Call `consume` with the contents of every blob in `ids`, in order.
pub(crate) fn for_each_in_order(
    repo: &gix::Repository,
    ids: &[ObjectId],
    mut consume: impl FnMut(usize, Vec<u8>) -> Result<(), Error>,
) -> Result<(), Error> {
    let workers = std::thread::available_parallelism()
        .map_or(1, std::num::NonZero::get)
        .min(MAX_WORKERS);
    if ids.len() < PARALLEL_FROM || workers < 2 {
        for (index, id) in ids.iter().enumerate() {
            consume(index, load(repo, *id)?)?;
        }
        return Ok(());
    }

    let shared = repo.clone().into_sync();
    let budget = Budget::new(BUDGET);
    let next_job = AtomicUsize::new(0);
    let (sender, receiver) = mpsc::channel::<(usize, Result<Vec<u8>, Error>)>();

    std::thread::scope(|scope| {
        for _ in 0..workers {
            let sender = sender.clone();
            let (shared, budget, next_job) = (&shared, &budget, &next_job);
            scope.spawn(move || {
                let repo = shared.to_thread_local();
                loop {
                    let index = next_job.fetch_add(1, Ordering::Relaxed);
                    let Some(id) = ids.get(index) else { break };
                    let loaded = load(&repo, *id);
                    let size = loaded.as_ref().map_or(0, Vec::len);
                    if !budget.acquire(index, size) || sender.send((index, loaded)).is_err() {
                        break;
                    }
                }
            });
        }
        drop(sender);

        let result = (|| {
            let mut waiting = BTreeMap::new();
            for index in 0..ids.len() {
                let loaded = loop {
                    if let Some(loaded) = waiting.remove(&index) {
                        break loaded;
                    }
                    let Ok((at, loaded)) = receiver.recv() else {
                        return Err(Error::Interrupted);
                    };
                    waiting.insert(at, loaded);
                };
                let data = loaded?;
                budget.release(data.len());
                consume(index, data)?;
            }
            Ok(())
        })();
        // Wake and stop the workers, whatever happened.
        budget.cancel();
        drop(receiver);
        result
    })
}

/// The contents of blob `id`.
fn load(repo: &gix::Repository, id: ObjectId) -> Result<Vec<u8>, Error> {
    Ok(super::find(repo, id, gix::object::Kind::Blob)?
        .detach()
        .data)
}

/// A memory budget taken in blob order: blob `i` may take its share only
/// after blob `i - 1` did, so the blob the encoder waits for can always be
/// handed over (everything before it has been consumed and given back).
struct Budget {
    state: Mutex<BudgetState>,
    changed: Condvar,
    limit: usize,
}

struct BudgetState {
    used: usize,
    turn: usize,
    cancelled: bool,
}

impl Budget {
    fn new(limit: usize) -> Self {
        Self {
            state: Mutex::new(BudgetState {
                used: 0,
                turn: 0,
                cancelled: false,
            }),
            changed: Condvar::new(),
            limit,
        }
    }

    /// Wait for blob `index`'s turn and room for `bytes`; `false` when
    /// cancelled.
    fn acquire(&self, index: usize, bytes: usize) -> bool {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        loop {
            if state.cancelled {
                return false;
            }
            if state.turn == index && (state.used == 0 || state.used + bytes <= self.limit) {
                state.used += bytes;
                state.turn += 1;
                self.changed.notify_all();
                return true;
            }
            state = self
                .changed
                .wait(state)
                .unwrap_or_else(PoisonError::into_inner);
        }
    }

    fn release(&self, bytes: usize) {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        state.used -= bytes;
        self.changed.notify_all();
    }

    fn cancel(&self) {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        state.cancelled = true;
        self.changed.notify_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_budget_hands_out_turns_in_order_and_bounds_memory() {
        let budget = Budget::new(10);
        assert!(budget.acquire(0, 8));
        // Blob 1 does not fit while blob 0 is held; release makes room.
        std::thread::scope(|scope| {
            let waiter = scope.spawn(|| budget.acquire(1, 8));
            std::thread::sleep(std::time::Duration::from_millis(20));
            budget.release(8);
            assert!(waiter.join().unwrap());
        });
        // A blob larger than the whole budget still gets through alone.
        budget.release(8);
        assert!(budget.acquire(2, 100));
        budget.cancel();
        assert!(!budget.acquire(3, 1));
    }
}
