import { describe, expect, it } from 'vitest';
import { mount, type VueWrapper } from '@vue/test-utils';
import CommentForm from '../src/components/comments/CommentForm.vue';
import type { CommentDraft, FieldRules } from '../src/composables/useCommentForm';
import type { UserError } from '../src/generated/graphql';
import { formRules } from './helpers';

const valid: CommentDraft = {
  content: 'Sound pretty much like a Social Media Surgery to me',
  authorName: 'Dave Briggs',
  authorEmail: 'dave@example.com',
  authorUrl: '',
};

function mountForm(
  draft: Partial<CommentDraft> = {},
  serverErrors: UserError[] = [],
  rules: FieldRules = formRules(),
) {
  const values = { ...valid, ...draft };
  const wrapper = mount(CommentForm, {
    props: {
      ...values,
      rules,
      serverErrors,
      // Feed edits back in, as a parent's v-model would.
      'onUpdate:content': (v: string) => {
        void wrapper.setProps({ content: v });
      },
      'onUpdate:authorName': (v: string) => {
        void wrapper.setProps({ authorName: v });
      },
      'onUpdate:authorEmail': (v: string) => {
        void wrapper.setProps({ authorEmail: v });
      },
      'onUpdate:authorUrl': (v: string) => {
        void wrapper.setProps({ authorUrl: v });
      },
    },
  });
  return wrapper;
}

const MESSAGES = {
  nameRequired: 'Please enter your name.',
  emailRequired: 'Please enter your email address.',
  emailInvalid: 'Please enter a valid email address, like name@example.com.',
  urlRequired: 'Please enter your website address.',
  urlInvalid:
    'Please enter a full website address starting with http:// or https://, like https://example.com.',
  contentRequired: 'Please write a comment.',
  tooLong: (what: string, limit: number) =>
    `${what} can be at most ${limit.toLocaleString('en')} characters long.`,
};

function field(wrapper: VueWrapper, name: keyof CommentDraft) {
  return wrapper.get(`[name="${name}"]`);
}

/** The message linked to a field through aria-describedby. */
function errorFor(wrapper: VueWrapper, name: keyof CommentDraft): string | null {
  const input = field(wrapper, name);
  const ids = input.attributes('aria-describedby')?.split(' ') ?? [];
  const messages = ids
    .map((id) => wrapper.find(`[id="${id}"]`))
    .filter((el) => el.exists() && el.classes('field__error'))
    .map((el) => el.text());
  return messages[0] ?? null;
}

async function submit(wrapper: VueWrapper): Promise<void> {
  await wrapper.get('form').trigger('submit');
}

describe('CommentForm', () => {
  it('shows the fields in the seed order, with the note and the button', () => {
    const wrapper = mountForm();
    const labels = wrapper.findAll('label').map((label) => label.text().replace(/\s+/g, ' '));
    expect(labels).toEqual(['Comment *', 'Name *', 'Email *', 'Website']);
    expect(wrapper.text()).toContain(
      'Your email address will not be published. Required fields are marked *',
    );
    expect(wrapper.get('button[type="submit"]').text()).toBe('Post Comment');
    expect(wrapper.get('form').attributes()).toHaveProperty('novalidate');
    expect(wrapper.get('h2').text()).toBe('Submit a Comment');
  });

  it('labels every control and marks required ones', () => {
    const wrapper = mountForm();
    for (const name of ['content', 'authorName', 'authorEmail', 'authorUrl'] as const) {
      const id = field(wrapper, name).attributes('id');
      expect(wrapper.find(`label[for="${id}"]`).exists()).toBe(true);
    }
    for (const name of ['content', 'authorName', 'authorEmail'] as const) {
      expect(field(wrapper, name).attributes('aria-required')).toBe('true');
      expect(field(wrapper, name).attributes()).toHaveProperty('required');
    }
    expect(field(wrapper, 'authorUrl').attributes('aria-required')).toBeUndefined();
  });

  it('emits a valid draft', async () => {
    const wrapper = mountForm({ authorUrl: 'https://davebriggs.net' });
    await submit(wrapper);
    expect(wrapper.emitted('submit')).toEqual([
      [{ ...valid, authorUrl: 'https://davebriggs.net', homepage: '' }],
    ]);
    expect(wrapper.findAll('.field__error')).toHaveLength(0);
  });

  it.each([
    ['missing name', { authorName: '  ' }, 'authorName', MESSAGES.nameRequired],
    [
      'long name',
      { authorName: 'n'.repeat(246) },
      'authorName',
      MESSAGES.tooLong('Your name', 245),
    ],
    ['missing email', { authorEmail: '' }, 'authorEmail', MESSAGES.emailRequired],
    ['bad email', { authorEmail: 'dave@example' }, 'authorEmail', MESSAGES.emailInvalid],
    [
      'long email',
      { authorEmail: `${'d'.repeat(90)}@example.com` },
      'authorEmail',
      MESSAGES.tooLong('Your email address', 100),
    ],
    ['non-http website', { authorUrl: 'ftp://example.com' }, 'authorUrl', MESSAGES.urlInvalid],
    ['javascript: website', { authorUrl: 'javascript:alert(1)' }, 'authorUrl', MESSAGES.urlInvalid],
    ['malformed website', { authorUrl: 'http://' }, 'authorUrl', MESSAGES.urlInvalid],
    [
      'long website',
      { authorUrl: `https://example.com/${'p'.repeat(190)}` },
      'authorUrl',
      MESSAGES.tooLong('Your website address', 200),
    ],
    ['empty comment', { content: ' \n ' }, 'content', MESSAGES.contentRequired],
    [
      'long comment',
      { content: 'c'.repeat(10_001) },
      'content',
      MESSAGES.tooLong('Your comment', 10_000),
    ],
  ] as const)('rejects a %s under its field', async (_case, draft, name, message) => {
    const wrapper = mountForm(draft);
    await submit(wrapper);

    expect(wrapper.emitted('submit')).toBeUndefined();
    expect(errorFor(wrapper, name)).toBe(message);
    expect(field(wrapper, name).attributes('aria-invalid')).toBe('true');
    // Only the offending field is marked.
    expect(wrapper.findAll('[aria-invalid="true"]')).toHaveLength(1);
  });

  it('accepts limits exactly at the maximum', async () => {
    const wrapper = mountForm({
      authorName: 'n'.repeat(245),
      authorEmail: `${'d'.repeat(88)}@example.com`,
      authorUrl: `https://example.com/${'p'.repeat(180)}`,
      content: 'c'.repeat(10_000),
    });
    await submit(wrapper);
    expect(wrapper.emitted('submit')).toHaveLength(1);
  });

  it('shows no errors before the first attempt, then updates them as the person types', async () => {
    const wrapper = mountForm({ authorName: '' });
    expect(wrapper.findAll('.field__error')).toHaveLength(0);

    await submit(wrapper);
    expect(errorFor(wrapper, 'authorName')).toBe(MESSAGES.nameRequired);

    await field(wrapper, 'authorName').setValue('Dave');
    expect(errorFor(wrapper, 'authorName')).toBeNull();
    expect(field(wrapper, 'authorName').attributes('aria-invalid')).toBeUndefined();
  });

  it('shows server errors at their fields by code, and the others above the form', async () => {
    const wrapper = mountForm({}, [
      { field: 'authorEmail', code: 'INVALID_EMAIL', message: 'That email address is not valid.' },
      { field: 'content', code: 'DUPLICATE', message: 'You have already said that.' },
      { field: 'parentId', code: 'NOT_FOUND', message: 'The comment you replied to is gone.' },
      {
        field: null,
        code: 'RATE_LIMITED',
        message: 'Please wait a minute before commenting again.',
      },
    ]);

    // Known codes say what the catalog says; an unknown one says what the server said.
    expect(errorFor(wrapper, 'authorEmail')).toBe(MESSAGES.emailInvalid);
    expect(errorFor(wrapper, 'content')).toBe('You have already posted this comment.');
    expect(errorFor(wrapper, 'authorName')).toBeNull();

    const summary = wrapper.get('.form-errors');
    expect(summary.attributes('role')).toBe('alert');
    expect(summary.text()).toContain('The comment you replied to is gone.');
    expect(summary.text()).toContain('Please wait a minute before commenting again.');
    // The summary sits above the fields.
    const html = wrapper.html();
    expect(html.indexOf('form-errors')).toBeLessThan(html.indexOf('name="content"'));
  });

  it('disables the button while submitting', async () => {
    const wrapper = mountForm();
    await wrapper.setProps({ submitting: true });
    const button = wrapper.get('button[type="submit"]');
    expect(button.attributes()).toHaveProperty('disabled');
    expect(button.text()).toBe('Posting…');
    await submit(wrapper);
    expect(wrapper.emitted('submit')).toBeUndefined();
  });

  it('says who is being replied to and offers to cancel', async () => {
    const wrapper = mount(CommentForm, {
      props: { replyingTo: 'Dave Briggs', rules: formRules() },
    });
    expect(wrapper.text()).toContain('Replying to Dave Briggs');
    await wrapper.get('button[type="button"]').trigger('click');
    expect(wrapper.get('button[type="button"]').text()).toBe('Cancel reply');
    expect(wrapper.emitted('cancelReply')).toHaveLength(1);
  });

  it("takes limits and required fields from the server's rules", async () => {
    const rules = formRules({
      authorName: { required: true, maxLength: 10 },
      authorEmail: { required: false, maxLength: 100 },
      authorUrl: { required: true, maxLength: 200 },
    });
    const labels = (w: VueWrapper) =>
      w.findAll('label').map((label) => label.text().replace(/\s+/g, ' '));

    const wrapper = mountForm({ authorName: 'n'.repeat(11), authorEmail: '' }, [], rules);
    expect(labels(wrapper)).toEqual(['Comment *', 'Name *', 'Email', 'Website *']);
    expect(field(wrapper, 'authorUrl').attributes('aria-required')).toBe('true');
    expect(field(wrapper, 'authorEmail').attributes('aria-required')).toBeUndefined();

    await submit(wrapper);
    expect(wrapper.emitted('submit')).toBeUndefined();
    expect(errorFor(wrapper, 'authorName')).toBe('Your name can be at most 10 characters long.');
    expect(errorFor(wrapper, 'authorUrl')).toBe(MESSAGES.urlRequired);
    // Not required: an empty email is fine.
    expect(errorFor(wrapper, 'authorEmail')).toBeNull();

    await field(wrapper, 'authorName').setValue('n'.repeat(10));
    await field(wrapper, 'authorUrl').setValue('https://example.com');
    await submit(wrapper);
    expect(wrapper.emitted('submit')).toHaveLength(1);
  });

  it('has a honeypot field hidden from people and assistive technology', () => {
    const wrapper = mountForm();
    const trap = field(wrapper, 'homepage' as keyof CommentDraft);
    expect(trap.attributes('tabindex')).toBe('-1');
    expect(trap.attributes('autocomplete')).toBe('off');
    const container = trap.element.parentElement!;
    expect(container.getAttribute('aria-hidden')).toBe('true');
    expect(container.classList).toContain('comment-form__trap');
    // Not labelled, not required, not among the visible fields.
    expect(wrapper.find(`label[for="${trap.attributes('id')}"]`).exists()).toBe(false);
    expect(trap.attributes()).not.toHaveProperty('required');
  });

  it('sends what a bot typed into the honeypot with the draft', async () => {
    const wrapper = mountForm();
    await wrapper.get('[name="homepage"]').setValue('http://bot.example');
    await submit(wrapper);
    expect(wrapper.emitted('submit')).toEqual([[{ ...valid, homepage: 'http://bot.example' }]]);
  });

  it.each([
    ['RATE_LIMITED', 'You are commenting too quickly. Please wait 9 seconds and try again.'],
    ['DUPLICATE', 'You have already posted this comment.'],
    ['COMMENTS_CLOSED', 'Comments are closed on this post.'],
  ])('shows the form-level refusal %s above the fields, as an alert', (code, message) => {
    const wrapper = mountForm({}, [{ field: null, code, message }]);
    const summary = wrapper.get('.form-errors');
    expect(summary.attributes('role')).toBe('alert');
    expect(summary.text()).toBe(message);
    expect(wrapper.findAll('[aria-invalid="true"]')).toHaveLength(0);
    const html = wrapper.html();
    expect(html.indexOf('form-errors')).toBeLessThan(html.indexOf('name="content"'));
  });
});
