// A page that reads again when the person changes a choice (an advisor, a village, a year, a
// period, a filter) shows the answer to the latest choice only. Each choice fires its GET and the
// answers may come back in any order: assigned as they arrived, a slow answer to an earlier choice
// replaced the later one's, and the page showed the previous advisor's sheet (or village's history,
// or period's figures) under the new choice — and a write made from it went to the new one.
//
// `const latest = useLatest()` once per read; at the start of each read `const current = latest()`,
// and after every await `if (!current()) return` before anything is assigned (the answer, a
// refusal, the end of a loading state). A newer read makes every earlier one's `current()` false.
// A read whose refusal the page shows with useRefusal goes through its `read(fetch, show)`, which
// applies this guard to the answer, the refusal and the busy state alike.
export function useLatest(): () => () => boolean {
  let asked = 0
  return () => {
    const mine = ++asked
    return () => mine === asked
  }
}
