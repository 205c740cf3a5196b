import { describe, expect, it } from 'vitest';
import { mount } from '@vue/test-utils';
import { h } from 'vue';
import FormField from '../src/components/ui/FormField.vue';

type FieldProps = {
  id: string;
  label: string;
  required?: boolean;
  error?: string | null;
  describedBy?: string | null;
};

function mountField(props: FieldProps) {
  return mount(FormField, {
    props,
    slots: {
      // The control binds what the field gives it, as CommentForm's do.
      default: ({ attrs }: { attrs: object }) => h('input', { ...attrs, name: 'x' }),
    },
  });
}

describe('FormField', () => {
  it('labels the control and marks nothing when optional and valid', () => {
    const wrapper = mountField({ id: 'f-url', label: 'Website' });
    const input = wrapper.get('input');
    expect(input.attributes('id')).toBe('f-url');
    expect(wrapper.get('label').attributes('for')).toBe('f-url');
    expect(wrapper.get('label').text()).toBe('Website');
    for (const attr of ['required', 'aria-required', 'aria-invalid', 'aria-describedby']) {
      expect(input.attributes()).not.toHaveProperty(attr);
    }
    expect(wrapper.find('.field__error').exists()).toBe(false);
  });

  it('marks a required field with an asterisk that screen readers skip', () => {
    const wrapper = mountField({ id: 'f-name', label: 'Name', required: true });
    const input = wrapper.get('input');
    expect(input.attributes()).toHaveProperty('required');
    expect(input.attributes('aria-required')).toBe('true');
    const marker = wrapper.get('label .required');
    expect(marker.text()).toBe('*');
    expect(marker.attributes('aria-hidden')).toBe('true');
    expect(wrapper.get('label').text().replace(/\s+/g, ' ')).toBe('Name *');
  });

  it('shows the error under the control and links it first, then the other descriptions', () => {
    const wrapper = mountField({
      id: 'f-email',
      label: 'Email',
      required: true,
      error: 'Please enter your email address.',
      describedBy: 'f-note',
    });
    const input = wrapper.get('input');
    expect(input.attributes('aria-invalid')).toBe('true');
    expect(input.attributes('aria-describedby')).toBe('f-email-error f-note');
    expect(wrapper.get('#f-email-error').text()).toBe('Please enter your email address.');
    expect(wrapper.classes()).toContain('field--invalid');
    const html = wrapper.html();
    expect(html.indexOf('<input')).toBeLessThan(html.indexOf('f-email-error"'));
  });

  it('keeps other descriptions when there is no error', () => {
    const wrapper = mountField({ id: 'f-email', label: 'Email', describedBy: 'f-note' });
    expect(wrapper.get('input').attributes('aria-describedby')).toBe('f-note');
  });
});
