// The seed post: "Social media surgery for mental health #smsmhealth", as in
// shared/seed/smsmhealth-post.txt. Text, comment, pingback titles and excerpts
// and share targets are as written there. Values the seed does not give are
// chosen by us and marked CHOSEN below, with the reason for the choice.

export const seedSite = {
  // CHOSEN: the seed page shows no site name; a fresh install is the user's own Colloquy site.
  title: 'Colloquy',
  description: 'Conversations about social media, health and the people who use them.',
};

export const seedAuthor = {
  // CHOSEN (inferred): the second pingback says the event was "blogged about here by the lovely @victoriabetton".
  name: 'Victoria Betton',
  // CHOSEN: placeholder address on a reserved domain; authors' emails are never published.
  email: 'victoria@example.org',
  // CHOSEN (inferred): the first pingback's excerpt links to codesigndigitalhealth.co.uk.
  url: 'http://codesigndigitalhealth.co.uk/',
};

const twitter = (handle: string) => `<a href="https://twitter.com/${handle}">@${handle}</a>`;

export const seedPost = {
  slug: 'social-media-surgery-for-mental-health-smsmhealth',
  title: 'Social media surgery for mental health #smsmhealth',
  // CHOSEN: the seed gives no date; the pingbacks suggest autumn 2012.
  publishedAt: new Date('2012-10-26T18:30:00Z'),
  tags: [{ name: 'smsmhealth', slug: 'smsmhealth' }],
  // The @handles link to the Twitter profiles they name (CHOSEN: the seed shows them as plain text).
  contentHtml: [
    `<p>Today was our first ever social media surgery – except really it ended up as a day of workshops with all sorts of interesting people thinking about different aspects of social media. We didn’t actually get to do many surgical procedures – it ended up as more of a collaborative and conversational event. It was a complete experiment and, on balance, I think we may have pulled it off.</p>`,
    `<p>The best bit about it for me was the fabulous mix of people: from those with lived experience of mental health difficulties, occupational therapists, psychologists, public relations professionals, service managers, volunteers, nurses and psychiatrists (and quite a few people who fell into more than one category). And a real mix of sectors – NHS, local authority, voluntary and private sector. This led to the most interesting discussions and different points of view from a group of people with wildly varying degrees of experience using social media. It was a delight to have the event co-hosted by Leeds and York Partnership NHS Foundation Trust and Leeds Mind – role modelling good partnerships.</p>`,
    `<p>We had workshops on topics varying from campaigning (including a live Facebook conversation) from ${twitter('changeleeds')}, peer support online from ${twitter('BPDFFS')}, the art of blogging from ${twitter('helenstanding')}, projects and organisations using social media from ${twitter('inkwellarts')}, and the Leeds Wellbeing Web from ${twitter('leedswellweb')}, plus me facilitating a discussion about online personal and professional boundaries.</p>`,
    `<p>So today I learnt a few new technical tricks, had quite a bit of what I already know confirmed, but most of all I learnt that sometimes it’s a good idea to just have a go at something and see what happens. We had a big collective think at the end of the day about how to continue the conversation and plumped for keeping it simple. So we are going to keep using the hashtag #smsmhealth to connect and share information and learning. We also identified a need to make the surgery bit happen – helping people develop the skills to get involved. And we also hope to keep people connected in real life as well through workshops and networking sessions. Hopefully the start of something good.</p>`,
    // CHOSEN: the seed does not keep the live blog's address; the event was live-tweeted under its hashtag.
    `<p>We live blogged the event <a href="https://twitter.com/search?q=%23smsmhealth">here</a></p>`,
  ].join('\n'),
};

export const seedComments = [
  {
    // CHOSEN: the seed does not name the commenter; a fictional name, email and date.
    authorName: 'Sam Hughes',
    authorEmail: 'sam.hughes@example.org',
    authorUrl: null,
    content: 'Sound pretty much like a Social Media Surgery to me',
    createdAt: new Date('2012-10-26T21:04:00Z'),
  },
];

export const seedPingbacks = [
  {
    title:
      'Using social media for professional development at the Leeds #SMSmhealth « Claireot\u2019s Blog',
    blogName: 'Claireot\u2019s Blog',
    excerpt: '[...] @VictoriaBetton http://codesigndigitalhealth.co.uk/?p=271 [...]',
    // CHOSEN: source URLs and dates are not in the seed.
    sourceUrl:
      'https://claireot.wordpress.com/2012/10/27/using-social-media-for-professional-development-at-the-leeds-smsmhealth/',
    createdAt: new Date('2012-10-27T09:12:00Z'),
  },
  {
    title: 'Joining up | between personal and professional',
    blogName: 'between personal and professional',
    excerpt:
      '[...] event I attended, blogged about here by the lovely @victoriabetton, was both a social media surgery and a wider…',
    sourceUrl: 'https://betweenpersonalandprofessional.wordpress.com/2012/10/28/joining-up/',
    createdAt: new Date('2012-10-28T20:40:00Z'),
  },
  {
    title: 'Not a jolly | The Sociable Organisation',
    blogName: 'The Sociable Organisation',
    excerpt:
      '[...] sound like if we had wellbeing at the centre of our collective designer-minds? There\u2019s a great write up here…',
    sourceUrl: 'https://thesociableorganisation.wordpress.com/2012/11/02/not-a-jolly/',
    createdAt: new Date('2012-11-02T13:05:00Z'),
  },
];

/** In the seed's order. Templates take {url}, {title} and {excerpt}, each URL-encoded when filled. */
export const seedShareTargets = [
  {
    key: 'twitter',
    name: 'Twitter',
    label: 'Tweet about this on Twitter',
    urlTemplate: 'https://twitter.com/intent/tweet?text={title}&url={url}',
  },
  {
    key: 'reddit',
    name: 'Reddit',
    label: 'Share on Reddit',
    urlTemplate: 'https://www.reddit.com/submit?url={url}&title={title}',
  },
  {
    key: 'tumblr',
    name: 'Tumblr',
    label: 'Share on Tumblr',
    urlTemplate:
      'https://www.tumblr.com/widgets/share/tool?canonicalUrl={url}&title={title}&caption={excerpt}',
  },
  {
    key: 'linkedin',
    name: 'LinkedIn',
    label: 'Share on LinkedIn',
    urlTemplate: 'https://www.linkedin.com/sharing/share-offsite/?url={url}',
  },
  {
    key: 'googleplus',
    name: 'Google+',
    label: 'Share on Google+',
    urlTemplate: 'https://plus.google.com/share?url={url}',
    retiredReason: 'Google+ was shut down for consumers on 2 April 2019.',
  },
  {
    key: 'facebook',
    name: 'Facebook',
    label: 'Share on Facebook',
    urlTemplate: 'https://www.facebook.com/sharer/sharer.php?u={url}',
  },
  {
    key: 'pinterest',
    name: 'Pinterest',
    label: 'Pin on Pinterest',
    urlTemplate: 'https://pinterest.com/pin/create/button/?url={url}&description={title}',
  },
  {
    key: 'flattr',
    name: 'Flattr',
    label: 'Flattr the author',
    urlTemplate: 'https://flattr.com/submit/auto?url={url}&title={title}',
    retiredReason: 'Flattr closed its service in 2023.',
  },
];
