import { describe, expect, it } from 'vitest';
import { formatAnswers } from '../../../tools/stream/answers';

// The rows the worked example of the spec must produce (examples/README.md).
const views = {
  rpt_watch_time_by_user: [{ month_start: '2026-11-01', user_id: 'u-7', watch_seconds: 270, sessions: 1 }, { month_start: '2026-10-01', user_id: 'u-old', watch_seconds: 9999, sessions: 5 }],
  rpt_watch_time_by_genre: [{ month_start: '2026-11-01', genre: 'scifi', watch_seconds: 270, sessions: 1 }, { month_start: '2026-11-01', genre: 'drama', watch_seconds: 270, sessions: 1 }],
  rpt_watch_time_by_device_type: [{ month_start: '2026-11-01', device_type: 'web', watch_seconds: 270, sessions: 1 }],
  rpt_peak_viewing_hours: [{ day_type: 'weekday', hour_of_day: 20, watch_seconds: 270, sessions: 1, hour_rank: 1 }],
  rpt_content_completion: [{ content_id: 'ep-9', title: 'The Return', content_type: 'episode', sessions: 1, completed_sessions: 1, completion_rate: 1 }],
  rpt_session_duration: [{ month_start: '2026-11-01', sessions: 1, avg_session_duration_seconds: 480, avg_watch_duration_seconds: 270 }],
  rpt_rating_vs_popularity: [{ content_id: 'ep-9', title: 'The Return', ratings: 1, avg_rating: 4, viewers: 1, sessions: 1, watch_seconds: 270 }],
  rpt_rating_popularity_correlation: [{ titles: 1, pearson_rating_viewers: null, pearson_rating_watch_seconds: null }],
};

describe('formatAnswers', () => {
  const text = formatAnswers(views);

  it('answers the five questions in order', () => {
    const headings = text.split('\n').filter((l) => /^\d\. /.test(l)).map((l) => l.slice(0, 2));
    expect(headings).toEqual(['1.', '2.', '3.', '4.', '5.']);
  });

  it('shows the latest month of the per-month views only', () => {
    expect(text).toContain('month of 2026-11-01');
    expect(text).toMatch(/u-7\s+270\s+1/);
    expect(text).not.toContain('u-old');
  });

  it('prints nulls as empty cells and keeps every view', () => {
    expect(text).toMatch(/ep-9\s+The Return\s+episode\s+1\s+1\s+1/);
    expect(text).toMatch(/weekday\s+1\s+20\s+270\s+1/);
    expect(text).toMatch(/\n {2}1\n/);
  });
});
