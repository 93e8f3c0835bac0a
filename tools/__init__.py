"""Tools that are not the bank's domain: the demo bank (demo_data), the offline evaluation of the
suggestions (recommendation_eval), the NLU data augmentation (augment_names) and their command
line (`python -m tools`). They import bot/; bot/ never imports them.
"""
