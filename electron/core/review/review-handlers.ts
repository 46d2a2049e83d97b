import type { reviewMethods } from '../../../shared/contracts/review.ts';
import type { HandlersFor } from '../dispatch.ts';
import type { ReviewService } from './review-service.ts';

export function createReviewHandlers(review: ReviewService): HandlersFor<keyof typeof reviewMethods> {
  return {
    'review.get': ({ updateId }, { actor }) => review.get(actor, updateId),
    'review.submit': (input, { actor }) => review.submit(actor, input),
    'review.approve': (input, { actor }) => review.approve(actor, input),
    'review.requestChanges': (input, { actor }) => review.requestChanges(actor, input),
    'review.comment': (input, { actor }) => review.comment(actor, input),
    'review.setTags': (input, { actor }) => review.setTags(actor, input),
    'review.inbox': (_input, { actor }) => review.inbox(actor),
    'review.policy': () => review.policy(),
    'review.setPolicy': (input, { actor }) => review.setPolicy(actor, input),
    'notifications.list': ({ unreadOnly }, { actor }) => review.notifications(actor, unreadOnly),
    'notifications.markRead': ({ ids }, { actor }) => review.markRead(actor, ids),
  };
}
